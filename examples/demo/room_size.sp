question "What is the area of the room, in square meters?"
answer round(room.area in m2, 1)

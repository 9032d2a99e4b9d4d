# language.md §4 (the room): room.area, room.length, room.width, room.height.
question "What is the floor area of the room, in square meters?"
assert room.length >= room.width else "room sides out of order"
answer round(room.area in m2, 1)

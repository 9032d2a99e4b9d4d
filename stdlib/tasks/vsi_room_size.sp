# Asks for the floor area of the room in square metres. Mirrors VSI-Bench "room size".
# Scene modality: an allocentric question about the whole room, no frame needed
# (`room.area` is the floor polygon's area, else the x-y area of the scene bounds).
# means: the room's floor area (room.area: the floor polygon's area), m², 1 decimal
# Guard: at least 1 m² (a degenerate bound would be meaningless).
task vsi_room_size
  modality scene
  where room.area >= 1m2
  ask "What is the floor area of this room, in square meters?"
  ask "How big is the room? Give its floor area in square meters."
  ask "Estimate the size of this room in square meters."
  answer round(room.area in m2, 1)

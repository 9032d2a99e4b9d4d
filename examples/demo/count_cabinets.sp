question "How many cabinets are there in the room?"
answer count("Cabinet")

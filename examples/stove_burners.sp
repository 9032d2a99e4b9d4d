# language.md §5: find ignores case, spaces, `_` and `-` ("stove burner" finds StoveBurner).
question "How many stove burners are there?"
answer count(find("stove burner"))

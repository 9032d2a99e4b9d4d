# language.md §5 (camera motion): the path from the first frame to the last.
question "How did the camera move from the first to the last frame?"
assert len(frames) >= 2 else "needs a video"
answer route(frame(0), frame(-1))

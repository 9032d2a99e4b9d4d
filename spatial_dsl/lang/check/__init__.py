"""Name resolution and type checking (language.md §3).
"""

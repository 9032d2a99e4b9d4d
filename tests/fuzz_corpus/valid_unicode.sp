# Küche ☕ — ünïcödé
question "Wo ist die Tür? 門"
answer count(find("Tür 門"))  # ✓

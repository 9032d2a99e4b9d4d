let lamp = the("Lamp")
answer lamp.heigth > frame(0).positon.z

question "CRLF line ends"
let a = the("Sink")
answer a.height in cm

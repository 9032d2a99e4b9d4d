let	a	=	1
	answer	a	+	1

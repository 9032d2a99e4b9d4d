answer seen(first([]))

{{ description | quoted }}

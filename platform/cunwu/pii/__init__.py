"""Personal data (PIPL): field encryption, keyed lookup hashes, masking, and the access log."""

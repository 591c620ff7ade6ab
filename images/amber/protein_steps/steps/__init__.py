"""Step implementations; each takes the parsed argparse namespace."""

"""Articles: wire-copy parsing, sentence segmentation, the article folder format, and the
article's rows in the store."""

"""The statistical typo layer: slips that no list names, found with a confusion set and an n-gram model of
official Chinese. Pure domain code: numpy arrays in, hits out; nothing here knows about the web or a database."""

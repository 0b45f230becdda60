"""Private helpers that sklstm's modules share, and the only private names they share.

Every module of sklstm may import from here; nothing here imports a public
sklstm module, so these helpers sit below everything else:

- :mod:`~sklstm._utils.files`: atomic file writing and the JSON conversion
  of NumPy and torch values;
- :mod:`~sklstm._utils.validation`: checks of plain arguments (positive
  integers, missing values, iterables of texts, distinct strings) and the
  short ``repr`` of error messages;
- :mod:`~sklstm._utils.optional`: importing an optional dependency with a
  message that names the extra to install;
- :mod:`~sklstm._utils.hashing`: fingerprints of arrays;
- :mod:`~sklstm._utils.pipelines`: the last step of a (nested) pipeline;
- :mod:`~sklstm._utils.torch`: the device to use and CPU copies of weights;
- :mod:`~sklstm._utils.warn`: warnings attributed to the user's line;
- :mod:`~sklstm._utils.vocabulary`: the reserved tokens and the check of a
  fixed vocabulary.

Users import nothing from here; the names may change between versions.
"""

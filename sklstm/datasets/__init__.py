"""Data to learn from: the IMDB reviews, and your own labelled texts in files.

- :func:`load_imdb` reads the Large Movie Review Dataset (Maas et al., 2011)
  from a data home (:func:`data_home_candidates`, :func:`get_data_home`,
  :func:`find_imdb`), downloading it when missing, and caches it;
- :func:`load_table` reads CSV, TSV, JSON Lines, Parquet, text files and
  folders of class folders into texts and labels; :func:`iter_table` streams
  one in batches of rows, :func:`table_texts` and :func:`default_text_columns`
  find the texts in them, :func:`table_format` names a file's format.
"""

from ._imdb import (
                    IMDB_ARCHIVE,
                    IMDB_SHA256,
                    IMDB_URL,
                    data_home_candidates,
                    find_imdb,
                    get_data_home,
                    load_imdb,
)
from ._tables import (
                    FOLDER_COLUMNS,
                    TableError,
                    default_text_columns,
                    iter_table,
                    load_table,
                    table_format,
                    table_texts,
)

__all__ = ["FOLDER_COLUMNS", "IMDB_ARCHIVE", "IMDB_SHA256", "IMDB_URL", "TableError",
           "data_home_candidates", "default_text_columns", "find_imdb", "get_data_home",
           "iter_table", "load_imdb", "load_table", "table_format", "table_texts"]

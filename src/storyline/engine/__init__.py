"""The pipeline's stages, one function each, run in this process; `storyline.pipeline`
runs them in order, and `storyline.distributed` runs reading and the language stage on
a Dask cluster with the same stage functions.

One module per stage, each with its summary dataclass; their public names are all here too:

- `reading`: `ingest` (`IngestSummary`), `DEFAULT_BATCH_SIZE`, `MAX_LISTED_PROBLEMS`
- `copies`: `run_dedupe` (`DedupeSummary`), `DEDUPE_WINDOW_DAYS`
- `language`: `run_language` (`LanguageSummary`), `vectors_key`, `EMBEDDED_TEXT_VERSION`,
  `without_copies`
- `placing`: `run_stories` (`StorySummary`), `article_profiles`
- `comparing`: `run_compare` (`CompareSummary`), `relation_model`, `compared_articles`
- `summarizing`: `run_summaries` (`SummariesSummary`), `summarized_articles`,
  `group_story`, `summarize_groups`
- `outputs`: `write_result`, `write_report`

and two of helpers: `material` (what comparing and summarizing read of a story, and
whether its stored output is current) and `common` (helpers several stages share).
"""

from storyline.engine.comparing import (
    CompareSummary,
    compared_articles,
    relation_model,
    run_compare,
)
from storyline.engine.copies import DEDUPE_WINDOW_DAYS, DedupeSummary, run_dedupe
from storyline.engine.language import (
    EMBEDDED_TEXT_VERSION,
    LanguageSummary,
    run_language,
    vectors_key,
    without_copies,
)
from storyline.engine.material import unread_originals
from storyline.engine.outputs import write_report, write_result
from storyline.engine.placing import StorySummary, article_profiles, run_stories
from storyline.engine.reading import DEFAULT_BATCH_SIZE, MAX_LISTED_PROBLEMS, IngestSummary, ingest
from storyline.engine.summarizing import (
    SummariesSummary,
    group_story,
    run_summaries,
    summarize_groups,
    summarized_articles,
)
from storyline.language import ANNOTATOR_VERSION  # read as `engine.ANNOTATOR_VERSION`

__all__ = [
    "ANNOTATOR_VERSION",
    "DEDUPE_WINDOW_DAYS",
    "DEFAULT_BATCH_SIZE",
    "EMBEDDED_TEXT_VERSION",
    "MAX_LISTED_PROBLEMS",
    "CompareSummary",
    "DedupeSummary",
    "IngestSummary",
    "LanguageSummary",
    "StorySummary",
    "SummariesSummary",
    "article_profiles",
    "compared_articles",
    "group_story",
    "ingest",
    "relation_model",
    "run_compare",
    "run_dedupe",
    "run_language",
    "run_stories",
    "run_summaries",
    "summarize_groups",
    "summarized_articles",
    "unread_originals",
    "vectors_key",
    "without_copies",
    "write_report",
    "write_result",
]

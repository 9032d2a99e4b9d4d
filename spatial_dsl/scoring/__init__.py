"""Scoring a model's answers against a dataset (`spdsl score`) and trivial predictors
(`spdsl baseline`).

Every item is scored in [0, 1] by what its answer is (``item_kind``):

- **choice** (the record has ``choices``) and **bool** (a yes/no answer): accuracy. A
  choice is read from the letter, tolerant of case, brackets and punctuation ("B",
  "b", "(B)", "B.", "B) fridge", "option B"), or from the option's text ("fridge",
  "The fridge.", "house plant" for "HousePlant"), or from a reply that mentions
  exactly one option ("The fridge is closer."; an option inside a longer mentioned
  option, "left" in "front-left", does not count). When a letter and a text disagree
  ("B. sink" with B the fridge), the letter counts. A letter beyond the options or a
  text naming no option is *unparsed*. Yes/no: the first word (yes/true/y, no/false/n),
  else a reply holding exactly one of "yes"/"no".
- **number** (Int, Number and quantities): VSI-Bench's Mean Relative Accuracy (Yang et
  al., "Thinking in Space", 2024, §3; lmms_eval/tasks/vsibench/utils.py of
  vision-x-nyu/thinking-in-space): ``MRA = 1/10 * sum over θ in {0.50, 0.55, ...,
  0.95} of 1[|ŷ - y| / |y| <= 1 - θ]``, with ``<=`` as in that code (the paper prints
  ``<``). The arithmetic is exact (decimals), so 1.05 for 1 scores 1.0, not 0.9 by a
  rounding error. A true answer of 0 scores 1 for a prediction of 0, else 0. The number
  is the first one of the reply when the reply starts with it, else the only one in it
  ("about 1.5 meters", "It is 3."), or the only number word from zero to twenty in a
  reply without digits ("There are three."); a unit written
  after it (m, cm, mm, ft, m², cm², m³, L, ...) is converted to the unit the item asks
  for (its ``unit``, or the ``in <unit>`` of its program's answer), so "150 cm" scores
  as 1.5 for a question in meters. Thousands separators ("1,200") are removed.
- **angle** (a number whose program converts ``in deg``, or whose ``unit`` is deg):
  the wrapped difference ``d = |((ŷ - y + 180) mod 360) - 180|`` in [0, 180] degrees,
  scored like MRA with 180° as the scale: ``1/10 * sum over θ of 1[d <= (1 - θ) * 180]``,
  i.e. full credit within 9°, none from 90° off (a uniform random angle scores
  0.275). An unsigned number followed by "right" or "clockwise" is negative, as
  every spdsl angle counts left turns positive.
- **list** (List answers without choices; routes, "which objects are near"): ``score``
  is exact match, ``partial`` is ``2 * M / (len(prediction) + len(answer))``, M the
  longest common subsequence for an ordered list or the multiset overlap for an
  unordered one. A list is unordered when the program answers ``labels(X)`` or X itself
  with X a set of objects (typed ``Objects``); routes and appearance orders are
  ordered. The reply is split at commas, semicolons, new lines and "then".
- **frame** (a frame index): the integer, exactly.
- **text** (Object and Str answers without choices): the reply's text equals the answer
  (the rendered name or reference) after case, articles, spaces and punctuation are
  dropped ("The fridge." = "fridge"; "house plant" = "HousePlant"), or equals one of
  the record's ``answer_ids``.

Texts are compared by a key: lower case, a leading "the"/"a"/"an" dropped, then every
character but letters, digits and "." dropped. Replies are cleaned first: an
``<answer>...</answer>`` part if there is one, then surrounding quotes, backticks and
asterisks, a leading "Answer:", "The answer is" or "Final answer:", and a trailing
period are removed.

An item with no prediction is *missing*; a prediction that cannot be read as an
answer of the item's kind (no number, not yes/no, no option) is *unparsed*. Both
score 0 and count in n: nothing is dropped.

Aggregates: a group's score is the mean of its items' scores; ``micro`` is the mean
over all items, ``macro`` the mean of the per-task scores. 95 % intervals are
percentile bootstrap intervals over items, resampled within each group (and within
each task for the overall figures: a stratified bootstrap), ``resamples`` times
(default 1000) from ``numpy.random.default_rng([seed, crc32(group name)])``, so a
group's interval does not depend on which other groups are present.

The package's modules: ``replies`` (cleaning and parsing a reply), ``items`` (an item's
kind and score), ``predictions`` (reading a predictions file), ``averages`` (group and
overall scores with bootstrap intervals), ``baselines`` (trivial predictors).
"""

from .averages import BOOTSTRAP_RESAMPLES, GroupScore, Report, aggregate
from .baselines import CHANCE_ANGLE, baseline_items
from .items import (
    METRICS, NUMERIC_TYPES, THRESHOLDS, ScoredItem, angle_accuracy, item_kind, mra, score_item,
    score_items,
)
from .predictions import ID_KEYS, PREDICTION_KEYS, Predictions, PredictionsError, read_predictions
from .replies import (
    clean, key, parse_angle, parse_bool, parse_choice, parse_list, parse_number,
)

__all__ = ["BOOTSTRAP_RESAMPLES", "CHANCE_ANGLE", "GroupScore", "ID_KEYS", "METRICS",
           "NUMERIC_TYPES", "PREDICTION_KEYS", "Predictions", "PredictionsError", "Report",
           "ScoredItem", "THRESHOLDS", "aggregate", "angle_accuracy", "baseline_items", "clean",
           "item_kind", "key", "mra", "parse_angle", "parse_bool", "parse_choice", "parse_list",
           "parse_number", "read_predictions", "score_item", "score_items"]

"""A Pygments lexer for SpatialDSL (``*.sp``), registered as ``spatialdsl``.

    from pygments.lexers import get_lexer_by_name
    lexer = get_lexer_by_name("spatialdsl")          # via the package's entry point

The builtin names come from the registry (``spatial_dsl.lang.builtins.BUILTINS``) and
the keywords from the grammar (``spatial_dsl.lang.keywords``), so a new builtin or
keyword is highlighted without touching this file. Task-template clause
words (``modality params where ask choices``) are soft keywords, as in the
grammar: keywords only where a clause starts a line; ``one of`` only as a
domain. A quantity is a number token followed by its unit (``1.5m``: Number,
then the unit as ``Keyword.Type``); ``{a}`` placeholders in strings are
``String.Interpol``.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, default, words
from pygments.token import (
    Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, Whitespace,
)

from . import keywords as K
from . import types as T
from .builtins import BUILTINS

__all__ = ["SpatialDSLLexer"]

KEYWORDS = tuple(sorted(K.HARD_KEYWORDS))
WORD_OPERATORS = tuple(sorted(K.OPERATOR_KEYWORDS))
CONSTANTS = tuple(sorted(K.LITERAL_KEYWORDS))
# `modality NAME` names its argument; the other clause words start a clause line alone
_MODALITY = K.WORD_OF["MODALITY"]
CLAUSE_WORDS = tuple(sorted(K.CLAUSE_KEYWORDS - {_MODALITY}))
_ONE, _OF = K.WORD_OF["ONE"], K.WORD_OF["OF"]  # the domain `one of [...]`
_TASK, _DEF, _LET, _IN = (K.WORD_OF[t] for t in ("TASK", "DEF", "LET", "IN"))
UNITS = tuple(sorted(T.UNITS, key=len, reverse=True))
TYPE_NAMES = tuple(sorted(set(T.NAMED_TYPES) | {"List", "Room", "Category", "Ref"}))
_CALLABLE = tuple(sorted(b.name for b in BUILTINS.values() if not b.is_constant))
_CONSTANT = tuple(sorted(b.name for b in BUILTINS.values() if b.is_constant))

_NUMBER = r"[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_UNIT = "(?:" + "|".join(UNITS) + ")"
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"


class SpatialDSLLexer(RegexLexer):
    """SpatialDSL programs, stdlib and task templates."""

    name = "SpatialDSL"
    aliases = ["spatialdsl", "spdsl"]
    filenames = ["*.sp"]
    mimetypes = ["text/x-spatialdsl"]
    url = "https://github.com/"  # no public home page yet; Pygments wants the attribute

    tokens = {
        "root": [
            # soft keywords: only at the start of a (template) line
            (r"(?m)^([ \t]*)(" + _MODALITY + r")([ \t]+)(" + _NAME + ")",
             bygroups(Whitespace, Keyword, Whitespace, Name.Constant)),
            (r"(?m)^([ \t]*)(" + "|".join(CLAUSE_WORDS) + r")\b",
             bygroups(Whitespace, Keyword)),
            (r"[ \t\f\r]+", Whitespace),
            (r"\n", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (rf"\b({_ONE})([ \t]+)({_OF})\b", bygroups(Keyword, Whitespace, Keyword)),
            (rf"\b({_TASK})([ \t]+)({_NAME})", bygroups(Keyword, Whitespace, Name.Class)),
            (rf"\b({_DEF})([ \t]+)({_NAME})", bygroups(Keyword, Whitespace, Name.Function)),
            (rf"\b({_LET})([ \t]+)({_NAME})", bygroups(Keyword, Whitespace, Name.Variable)),
            (rf"\b({_IN})([ \t]+)({_UNIT})\b", bygroups(Operator.Word, Whitespace,
                                                        Keyword.Type)),
            (words(KEYWORDS, suffix=r"\b"), Keyword),
            (words(WORD_OPERATORS, suffix=r"\b"), Operator.Word),
            (words(CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (words(TYPE_NAMES, prefix=r"\b", suffix=r"\b"), Keyword.Type),
            ('"', String.Double, "string"),
            # a quantity: number then unit, nothing between
            ("(" + _NUMBER + ")(" + _UNIT + r")\b", bygroups(Number, Keyword.Type)),
            (r"[0-9]+\.[0-9]+(?:[eE][-+]?[0-9]+)?\b|[0-9]+[eE][-+]?[0-9]+\b", Number.Float),
            (r"[0-9]+\b", Number.Integer),
            # a number glued to a name that is not a unit (an error for the compiler)
            (_NUMBER + _NAME, Error),
            (r"(\.)(" + _NAME + ")", bygroups(Punctuation, Name.Attribute)),
            (words(_CALLABLE, prefix=r"\b", suffix=r"\b(?=\s*\()"), Name.Builtin),
            (words(_CONSTANT, prefix=r"\b", suffix=r"\b"), Name.Builtin.Pseudo),
            # keyword arguments and lambda parameters
            ("(" + _NAME + r")(\s*)(=)(?![=>])", bygroups(Name.Label, Whitespace, Operator)),
            ("(" + _NAME + r")(\s*)(=>)", bygroups(Name.Variable, Whitespace, Operator)),
            (_NAME + r"(?=\s*\()", Name.Function),
            (_NAME, Name),
            (r"=>|->|\.\.|<=|>=|==|!=|[-+*/<>=]", Operator),
            (r"[()\[\],:;.]", Punctuation),
            (r".", Error),
        ],
        "string": [
            (r'\\[\\"]', String.Escape),
            (r"\\.", String.Escape),
            (r"\{" + _NAME + r"\}", String.Interpol),
            (r'[^"\\{\n]+', String.Double),
            (r"\{", String.Double),
            ('"', String.Double, "#pop"),
            (r"\n", String.Double, "#pop"),  # unterminated: stop at the line's end
            default("#pop"),
        ],
    }

"""`spdsl docs`: the language reference, generated from the builtin registry."""

from __future__ import annotations

import sys

from .errors import EXIT_OK

def cmd_docs(args) -> int:
    from spatial_dsl.lang.docs import reference_markdown

    text = reference_markdown()
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        from ..files import atomic_write_text
        from ..outputs import output_file

        atomic_write_text(output_file(args.output), text)
    return EXIT_OK

def register(sub) -> None:
    docs = sub.add_parser("docs", help="write the language reference",
                          description="Generate the language reference from the registry.")
    docs.add_argument("-o", "--output", metavar="FILE",
                      help="output file, parent directories created (default: stdout)")
    docs.set_defaults(handler=cmd_docs)

"""`spdsl synth`: the LLM compile-and-verify loop (synthesis.md).

Modules: ``prompts`` (the messages, from the text files in ``prompts/``),
``client`` (chat completions through the ``openai`` package: cache, retries,
budget), ``cache`` (the on-disk request cache), ``extract`` (the program in a
reply), ``loop`` (one work unit: propose, compile, run, verify), ``verify``
(the checks), ``run`` (the driver: output directory, resume, dataset) and
``report`` (report.json and the summary).
"""

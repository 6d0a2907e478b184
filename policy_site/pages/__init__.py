"""The pages (MkDocs and Python-Markdown, build time only): the extension and its blocks, the page
context, the proofreading and the output check, and the policy's versions on the site."""

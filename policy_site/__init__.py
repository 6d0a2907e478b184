"""The policy-site generator (build time only; runs in MkDocs, never in the browser).

* :mod:`policy_site.pages`: the Markdown side: the extension (listed in ``mkdocs.yml``'s
  ``markdown_extensions``, it works without the plugin too) and its blocks, the page context,
  proofreading and the output check, the policy's versions on the site;
* :mod:`policy_site.plugin`: the MkDocs plugin ``policy-site``, a list of events each calling
  one build step of :mod:`policy_site.steps`; :mod:`policy_site.site_config` is the site's
  ``policies:`` list (:mod:`policy_site.package` loads each), read by both;
* :mod:`policy_site.shipping`: what ships for each policy's self-check: the verified runtime, the
  policy's wheel and lock, the tailored standard library, the decision table, the widget's files;
* :mod:`policy_site.publishing`: the headers, the precompressed copies, the staging folder;
* :mod:`policy_site.scaffold`: ``./run new-policy``.

The change review (:mod:`policy_review`) sits beside the rules; the rules run on the engine
(:mod:`policy_engine`), which imports nothing from here.
"""

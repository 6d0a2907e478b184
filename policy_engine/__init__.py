"""The engine every policy package runs on (standard library only; runs in the browser too).

* :mod:`policy_engine.questions`: a question, its kind and options, reading its own answer;
* :mod:`policy_engine.rules`: the :class:`~policy_engine.rules.Rulebook` a policy registers its
  clauses on, and how the clauses give a verdict;
* :mod:`policy_engine.policy`: the policy file (``policy.toml``): values, clause words, versions;
* :mod:`policy_engine.texts` and :mod:`policy_engine.advice`: the outcomes' words and the email;
* :mod:`policy_engine.answers`, :mod:`policy_engine.result`: reading answers, the result's JSON;
* :mod:`policy_engine.checking`: a policy's ``check``, ``check_json`` and ``check_query``;
* :mod:`policy_engine.folder`: a policy that is data (a folder, no Python): its declared values,
  rulebook, checker, and the module the browser imports for it.
"""

"""The change review, beside the rules: each policy's ledger of what it decides in every situation
(:mod:`policy_review.ledger`), and ``./run review`` (:mod:`policy_review.review`), which explains
what a change to a policy or its rules changes and refuses a change to a version in effect."""

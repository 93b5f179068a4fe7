"""The workflow lint of ``publisher check``: reading a repository's GitHub workflows to
predict what the publishing jobs will get from GitHub and the index, before anything runs.

- ``source``: a workflow file read as hostile input, with the position of every key;
- ``expressions``: GitHub's expression language, evaluated in three values;
- ``model``: the repository, its workflows, jobs and publishing steps;
- ``publishing``: what a publishing step says (its index, password, flags, signing);
- ``reach``: on which triggers a publishing step can run;
- ``lint``: the jobs to check, and what the audits are given;
- ``audits/``: the checks, one module per kind of finding, listed and run in one place."""

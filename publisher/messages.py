"""Every message the action shows a user, in one place, to be read and reviewed as a set.

Each entry is ``key: (title, body)``; both are :class:`string.Template` texts filled
from the fields of the :class:`~publisher.errors.PublishError` that names the key. A body
says what went wrong with the values involved, then how to fix it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import PurePath
from string import Template
from typing import Self

from publisher import markdown as md

# Fields that some messages show only in some cases; empty unless the caller sets them.
OPTIONAL = {"reusable": "", "ignored": "", "given": "", "expired": ""}


class Msg(StrEnum):
    """The key of every message; ``MESSAGES`` holds the texts."""

    INTERNAL_ERROR = "internal-error"
    INTERNAL_ERROR_CHECK = "internal-error-check"
    FILE_COMMAND_FAILED = "file-command-failed"
    INPUT_CONFLICT = "input-conflict"
    INPUT_DEPRECATED = "input-deprecated"
    INPUT_BOOL_EMPTY = "input-bool-empty"
    INPUT_EMPTY = "input-empty"
    INPUT_NOT_BOOL = "input-not-bool"
    INPUT_NOT_COUNT = "input-not-count"
    PASSWORD_WITH_USER = "password-with-user"
    CREDENTIAL_NOT_SENDABLE = "credential-not-sendable"
    NOT_LATIN1 = "phrase-not-latin1"
    USER_COLON = "phrase-user-colon"
    NOT_LINUX = "not-linux"
    URL_INVALID = "url-invalid"
    URL_HAS_CREDENTIALS = "url-has-credentials"
    URL_NOT_HTTPS = "url-not-https"
    URL_PYPI_PATH = "url-pypi-path"
    URL_PYPI_DEFAULT = "phrase-pypi-default"
    URL_HAS_QUERY = "phrase-url-query"
    URL_BACKSLASH = "phrase-url-backslash"
    URL_UNREADABLE = "phrase-url-unreadable"
    URL_PARSERS_DIFFER = "phrase-url-parsers-differ"
    URL_HOST_NOT_ASCII = "phrase-url-host-not-ascii"
    NO_SUCH_FOLDER = "phrase-no-such-folder"
    QUOTE_CUT = "phrase-quote-cut"
    REQUEST_FAILED = "request-failed"
    TLS_FAILED = "tls-failed"
    ANSWER_TOO_LARGE = "answer-too-large"
    ANSWER_NOT_JSON = "answer-not-json"
    DIR_MISSING = "dir-missing"
    DIR_UNREADABLE = "dir-unreadable"
    DIR_NOT_FOLDER = "dir-not-folder"
    NO_DISTS = "no-dists"
    SYMLINK_ESCAPES = "symlink-escapes"
    DUPLICATE_FILENAME = "duplicate-filename"
    TWO_SDISTS = "two-sdists"
    UNREADABLE = "unreadable"
    EMPTY_FILE = "empty-file"
    CORRUPT_ARCHIVE = "corrupt-archive"
    NO_METADATA_FILE = "no-metadata-file"
    METADATA_TOO_LARGE = "metadata-too-large"
    METADATA_VERSION = "metadata-version"
    METADATA_INVALID = "metadata-invalid"
    BAD_FILENAME = "bad-filename"
    FILENAME_NAME_MISMATCH = "filename-name-mismatch"
    FILENAME_VERSION_MISMATCH = "filename-version-mismatch"
    FILENAME_NOT_NORMALIZED = "filename-not-normalized"
    SDIST_NOT_TARGZ = "sdist-not-targz"
    SDIST_NAME_EXACT = "sdist-name-exact"
    WHEEL_PLATFORM = "wheel-platform"
    LOCAL_VERSION = "local-version"
    DESCRIPTION_DOES_NOT_RENDER = "description-does-not-render"
    MANY_PROBLEMS = "many-problems"
    OIDC_NO_PERMISSION = "oidc-no-permission"
    OIDC_FORK_PR = "oidc-fork-pr"
    OIDC_NOT_IN_ACTIONS = "oidc-not-in-actions"
    OIDC_PULL_REQUEST_TARGET = "oidc-pull-request-target"
    OIDC_REQUEST_FAILED = "oidc-request-failed"
    OIDC_MALFORMED = "oidc-malformed"
    TOKEN_UNREADABLE = "token-unreadable"
    TP_DISABLED = "tp-disabled"
    TP_UNSUPPORTED = "tp-unsupported"
    AUDIENCE_STATUS = "audience-status"
    REUSABLE_WORKFLOW = "reusable-workflow"
    MINT_STATUS = "mint-status"
    MINT_NOT_ENABLED = "mint-not-enabled"
    MINT_INVALID_PAYLOAD = "mint-invalid-payload"
    MINT_UNKNOWN_ISSUER = "mint-unknown-issuer"
    MINT_PROJECT_REFUSED = "mint-project-refused"
    MINT_REGISTRATION_DISABLED = "mint-registration-disabled"
    MINT_INVALID_TOKEN = "mint-invalid-token"
    MINT_INVALID_REUSE_TOKEN = "mint-invalid-reuse-token"
    MINT_INVALID_PENDING_PUBLISHER = "mint-invalid-pending-publisher"
    MINT_INVALID_PUBLISHER = "mint-invalid-publisher"
    MINT_UNKNOWN_CODE = "mint-unknown-code"
    NAME_MISMATCH_AFTER_MINT = "name-mismatch-after-mint"
    UPLOAD_NON_USER_IDENTITY = "upload-non-user-identity"
    NAME_ONE_NEW_PER_MINT = "name-one-new-per-mint"
    NAME_CHECK_UNANSWERED = "name-check-unanswered"
    NAME_NO_PENDING_PUBLISHER = "name-no-pending-publisher"
    SEVERAL_NEW_PROJECTS = "several-new-projects"
    FILE_EXISTS_DIFFERENT = "file-exists-different"
    FILE_EXISTS_UNKNOWN = "file-exists-unknown"
    INDEX_UNREADABLE = "index-unreadable"
    FILE_EXISTS_SAME = "file-exists-same"
    UPLOAD_NOT_FOR_PROJECT = "upload-not-for-project"
    UPLOAD_EXISTS = "upload-exists"
    UPLOAD_BAD_TOKEN = "upload-bad-token"
    UPLOAD_BAD_PASSWORD = "upload-bad-password"
    UPLOAD_TOKEN_EXPIRED = "upload-token-expired"
    UPLOAD_TRANSIENT = "upload-transient"
    UPLOAD_DISABLED = "upload-disabled"
    UPLOAD_NAME_REUSED = "upload-name-reused"
    UPLOAD_REFUSED = "upload-refused"
    UPLOAD_NO_ENDPOINT = "upload-no-endpoint"
    UPLOAD_NOT_ALLOWED = "upload-not-allowed"
    UPLOAD_TOKEN_SCOPE = "upload-token-scope"
    UPLOAD_UNCONFIRMED = "upload-unconfirmed"
    UNCONFIRMED_NO_ANSWER = "phrase-unconfirmed-no-answer"
    UNCONFIRMED_NO_DIGEST = "phrase-unconfirmed-no-digest"
    UPLOAD_ATTESTATION_REFUSED = "upload-attestation-refused"
    CHECK_DIST = "check-dist"
    SEVERAL_VERSIONS = "several-versions"
    CHECK_IGNORED = "check-ignored"
    CHECK_PROJECT_EXISTS = "check-project-exists"
    CHECK_PROJECT_MISSING = "check-project-missing"
    CHECK_FILE_SKIPPED = "check-file-skipped"
    CHECK_OIDC = "check-oidc"
    CHECK_PASSWORD = "check-password"
    CHECK_NO_WORKFLOW = "check-no-workflow"
    CHECK_NO_REMOTE = "check-no-remote"
    CHECK_PUBLISHER_FIELDS = "check-publisher-fields"
    CHECK_WORKFLOW_NO_JOB = "check-workflow-no-job"
    CHECK_JOB_NOT_FOUND = "check-job-not-found"
    CHECK_WORKFLOW_OUTSIDE = "check-workflow-outside"
    CHECK_WORKFLOW_REUSABLE = "check-workflow-reusable"
    CHECK_WORKFLOW_CALLABLE = "check-workflow-callable"
    CHECK_REUSABLE_ATTESTATIONS = "check-reusable-attestations"
    CHECK_TRIGGER_PRT = "check-trigger-prt"
    CHECK_TRIGGER_PR = "check-trigger-pr"
    CHECK_TRIGGER_PR_ONLY = "check-trigger-pr-only"
    CHECK_NOT_LINUX = "check-not-linux"
    CHECK_JOB_PASSWORD = "check-job-password"
    CHECK_ID_TOKEN = "check-id-token"
    CHECK_NO_ID_TOKEN = "check-no-id-token"
    CHECK_ENV_EXPRESSION = "check-env-expression"
    CHECK_ENV_IN_ENV = "check-env-in-env"
    CHECK_ANCHOR_STEP = "check-anchor-step"
    CHECK_CONDITION_INVALID = "check-condition-invalid"
    CHECK_CONDITION_ALWAYS = "check-condition-always"
    CHECK_OTHER_REPOSITORY = "check-other-repository"
    CHECK_TRIGGER_MAYBE = "check-trigger-maybe"
    CHECK_ID_TOKEN_FROM_CALLER = "check-id-token-from-caller"
    CHECK_PASSWORD_FALLBACK = "check-password-fallback"
    CHECK_INDEX_EXPRESSION = "check-index-expression"
    CHECK_FROM_ORIGIN = "check-from-origin"
    CHECK_PUBLISHER_LINK = "check-publisher-link"
    CHECK_PUBLISHER_LINK_PROJECT = "check-publisher-link-project"
    CHECK_PUBLISHER_LINK_MAYBE = "check-publisher-link-maybe"
    CHECK_PUBLISHER_LINK_ELSE = "check-publisher-link-else"
    CHECK_WORKFLOWS_ONLY = "check-workflows-only"
    CHECK_FOLDER = "check-folder"
    CHECK_FOLDER_NO_DISTS = "check-folder-no-dists"
    SOURCE_CALLER = "source-caller"
    LOCATION_AT = "phrase-location-at"
    FOLDER_FOR = "phrase-folder-for"
    YAML_TOO_LARGE = "phrase-yaml-too-large"
    YAML_TOO_LARGE_EXPANDED = "phrase-yaml-too-large-expanded"
    YAML_TOO_MANY_ALIASES = "phrase-yaml-too-many-aliases"
    YAML_TOO_DEEP = "phrase-yaml-too-deep"
    YAML_NOT_REGULAR = "phrase-yaml-not-regular"
    YAML_NOT_UTF8 = "phrase-yaml-not-utf8"
    YAML_NOT_MAPPING = "phrase-yaml-not-mapping"
    YAML_KEY_NOT_TEXT = "phrase-yaml-key-not-text"
    YAML_SYNTAX = "phrase-yaml-syntax"
    WORKFLOW_UNREADABLE = "workflow-unreadable"
    WORKFLOW_NOT_FOUND = "workflow-not-found"

    LOG_RETRYING = "log-retrying"
    LOG_REQUEST = "log-request"
    LOG_ANSWER_SECRET = "log-answer-secret"
    LOG_NOTHING_TO_UPLOAD = "log-nothing-to-upload"
    LOG_SKIPPED = "log-skipped"
    LOG_PROJECT_NEW = "log-project-new"
    SKIPPED_SAME = "phrase-skipped-same"
    SKIPPED_OTHER = "phrase-skipped-other"
    SKIPPED_UNKNOWN = "phrase-skipped-unknown"
    LOG_RENEWING = "log-renewing"
    LOG_RENEWAL_FAILED = "log-renewal-failed"
    LOG_TOKEN_EXPIRED = "log-token-expired"
    LOG_MINTED = "log-minted"
    LOG_BURNED = "log-burned"
    LOG_CANCELLED = "log-cancelled"
    BURN_FAILED = "burn-failed"
    BURN_UNSUPPORTED = "burn-unsupported"
    LOG_UPLOADED = "log-uploaded"
    LOG_UPLOADED_ALL = "log-uploaded-all"
    LOG_SIGNED_ALL = "log-signed-all"
    AT_ONCE = "phrase-at-once"
    LOG_PHASES = "log-phases"
    PHASE_CHECKS = "phrase-phase-checks"
    PHASE_MINT = "phrase-phase-mint"
    PHASE_SIGN = "phrase-phase-sign"
    PHASE_UPLOAD = "phrase-phase-upload"
    GROUP_CHECKS = "summary-group-checks"
    GROUP_MINT = "summary-group-mint"
    GROUP_SIGN = "summary-group-sign"
    GROUP_UPLOAD = "summary-group-upload"
    SUMMARY_ON_INDEX = "summary-on-index"
    LOG_RESULT = "log-result"
    AT_ONCE_SLOWED = "phrase-at-once-slowed"
    LOG_UPLOAD_CONFIRMED = "log-upload-confirmed"
    LOG_TRACEBACK = "log-traceback"
    DOING_AUDIENCE = "doing-audience"
    DOING_OIDC = "doing-oidc"
    DOING_MINT = "doing-mint"
    DOING_BURN = "doing-burn"
    DOING_MINT_AGAIN = "doing-mint-again"
    DOING_LOOKUP = "doing-lookup"
    DOING_UPLOAD = "doing-upload"
    DOING_SIGN = "doing-sign"
    DRY_RUN_FAILED = "dry-run-failed"
    SUMMARY_PUBLISHED = "summary-published"
    SUMMARY_SOME_LANDED = "summary-some-landed"
    SUMMARY_NONE_LANDED = "summary-none-landed"
    SUMMARY_MAYBE_LANDED = "summary-maybe-landed"
    SUMMARY_NO_DISTS = "summary-no-dists"
    RESULT_UPLOADED = "result-uploaded"
    RESULT_SKIPPED = "result-skipped"
    RESULT_SKIPPED_OTHER = "result-skipped-other"
    RESULT_ON_INDEX = "result-on-index"
    RESULT_NOT_UPLOADED = "result-not-uploaded"
    RESULT_UNCONFIRMED = "result-unconfirmed"
    RESULT_REFUSED = "result-refused"
    VERDICT_OK = "verdict-ok"
    VERDICT_NOTHING = "verdict-nothing"
    VERDICT_FAILED = "verdict-failed"
    VERDICT_CANCELLED = "verdict-cancelled"
    UPLOAD_REDIRECTED = "upload-redirected"
    UPLOAD_BAD_CREDENTIALS = "upload-bad-credentials"
    CHECK_PROJECT_NEW = "check-project-new"
    INDEX_PROBLEM_STATUS = "index-problem-status"
    INDEX_PROBLEM_PAGE = "index-problem-page"
    ENDPOINT_AUDIENCE = "endpoint-audience"
    ENDPOINT_OIDC = "endpoint-oidc"
    ENDPOINT_MINT = "endpoint-mint"
    RUN_DEADLINE = "run-deadline"
    LOG_ENVIRONMENT_DROPPED = "log-environment-dropped"
    RUN_CANCELLED = "run-cancelled"
    DRY_RUN_CANCELLED = "dry-run-cancelled"
    REQUEST_TOO_SLOW = "request-too-slow"
    TLS_SETUP_FAILED = "tls-setup-failed"
    AUDIENCE_REFUSED = "audience-refused"
    AUDIENCE_NOT_PINNED = "audience-not-pinned"
    AUDIENCE_PIN_MISMATCH = "audience-pin-mismatch"
    AUDIENCE_INPUT_REFUSED = "audience-input-refused"
    SIGSTORE_AUDIENCE_PUBLIC = "audience-sigstore-public"
    AUDIENCE_NOT_A_NAME = "phrase-audience-not-a-name"
    AUDIENCE_OTHER_SERVICE = "phrase-audience-other-service"
    AUDIENCE_PYPI_ONLY = "phrase-audience-pypi-only"
    MINT_TOKEN_IMPLAUSIBLE = "mint-token-implausible"
    MINT_TOKEN_SHOWN = "mint-token-shown"
    MINT_NO_TOKEN = "mint-no-token"
    FILENAME_UNSAFE = "filename-unsafe"
    NOT_REGULAR_FILE = "not-regular-file"
    DIST_CHANGED = "dist-changed"
    DESCRIPTION_TOO_DEEP = "description-too-deep"
    DESCRIPTION_TOO_SLOW = "description-too-slow"
    SDIST_TOP_LEVEL = "sdist-top-level"
    WHEEL_DIST_INFO = "wheel-dist-info"
    ARCHIVE_POLYGLOT = "archive-polyglot"
    ARCHIVE_RATIO = "archive-ratio"
    ARCHIVE_TOO_MANY_MEMBERS = "archive-too-many-members"
    METADATA_TOO_MANY_FIELDS = "metadata-too-many-fields"
    WARN_DESCRIPTION_NOT_RENDERED = "warn-description-not-rendered"
    ARCHIVE_UNPACKS_TOO_MUCH = "archive-unpacks-too-much"
    ARCHIVE_MEMBER_TOO_LARGE = "archive-member-too-large"
    ARCHIVE_COMPRESSION = "archive-compression"
    ARCHIVE_OBFUSCATED = "archive-obfuscated"
    ZIP_FRAMING = "zip-framing"
    TAR_SPARSE = "tar-sparse"
    LICENSE_FILE_MISSING = "license-file-missing"
    WHEEL_RECORD_MISSING = "wheel-record-missing"
    WHEEL_ENTRY_POINTS = "wheel-entry-points"
    WARN_FIELDS_DROPPED = "warn-fields-dropped"
    WARN_NO_CONTENT_TYPE = "warn-no-content-type"
    WARN_NO_DESCRIPTION = "warn-no-description"
    WARN_RECORD_MISMATCH = "warn-record-mismatch"
    WARN_FILE_SIZE = "warn-file-size"
    FILE_SKIPPED_DIFFERENT = "file-skipped-different"
    FILE_SKIPPED_UNKNOWN = "file-skipped-unknown"
    SDIST_OTHER_ON_INDEX = "sdist-other-on-index"
    SDIST_OTHER_SKIPPED = "sdist-other-skipped"
    RELEASE_TOO_OLD = "release-too-old"
    UPLOAD_EXISTS_SKIPPED = "upload-exists-skipped"
    USER_WITHOUT_PASSWORD = "user-without-password"
    TOKEN_NOT_PYPI = "token-not-pypi"
    TRUSTED_PUBLISHING_NUDGE = "trusted-publishing-nudge"
    SOURCE_JOB = "source-job"
    SOURCE_WORKFLOW = "source-workflow"
    SOURCE_DEFAULTS = "source-defaults"
    SIGSTORE_PUBLIC = "sigstore-public"
    SIGSTORE_PRIVATE = "sigstore-private"
    TRUST_CONFIG_BAD = "trust-config-bad"
    SIGSTORE_ANSWER_TOO_LARGE = "signing-answer-too-large"
    SIGSTORE_SERVICE = "phrase-sigstore-service"
    TRUST_CONFIG_URL = "phrase-trust-config-url"
    PATH_OUTSIDE_WORKSPACE = "path-outside-workspace"
    FILE_OUTSIDE = "phrase-file-outside"
    FILE_NOT_REGULAR = "phrase-file-not-regular"
    FILE_TOO_LARGE = "phrase-file-too-large"
    TRUST_CONFIG_UNUSABLE = "phrase-trust-config-unusable"
    SIGSTORE_TRUST_UNAVAILABLE = "trust-unavailable"
    SIGSTORE_TOO_SLOW = "signing-too-slow"
    ATTEST_PRIVATE_FOR_PYPI = "attest-private-for-pypi"
    ATTEST_SKIPPED_PASSWORD = "attest-skipped-password"
    ATTEST_SKIPPED_INDEX = "attest-skipped-index"
    CHECK_ATTEST_OFF = "check-attest-off"
    CHECK_ATTEST_PLAN = "check-attest-plan"
    CHECK_ATTEST_GIVEN = "check-attest-given"
    CHECK_ATTEST_PLAN_GIVEN = "check-attest-plan-given"
    ATTEST_REUSABLE = "attest-reusable"
    CHECK_SIGSTORE_TOKEN = "check-sigstore-token"
    LOG_ATTESTED = "log-attested"
    ATTESTED_SIGNED = "attested-signed"
    ATTESTED_GIVEN = "attested-given"
    SIGNING_FAILED = "signing-failed"
    ATTESTATION_UNREADABLE = "attestation-unreadable"
    PROVENANCE_LOST = "provenance-lost"
    PROVENANCE_INCONSISTENT = "provenance-inconsistent"
    PROVENANCE_SOURCE = "phrase-provenance-source"
    PROVENANCE_WHY_PASSWORD = "phrase-provenance-why-password"
    PROVENANCE_WHY_OFF = "phrase-provenance-why-off"
    PROVENANCE_WHY_INDEX = "phrase-provenance-why-index"
    DOING_PROVENANCE = "doing-provenance"
    ATTESTATION_NOT_REUSED = "attestation-not-reused"
    ATTESTATION_OTHER_JOB = "attestation-other-job"
    ATTESTATION_FILE_UNWRITABLE = "attestation-file-unwritable"
    ATTESTATION_DUPLICATE = "attestation-duplicate"
    ATTESTATION_PREDICATE = "attestation-predicate"
    CHECK_ATTEST_EXTRA = "check-attest-extra"
    ATTESTATION_INVALID = "attestation-invalid"
    ATTESTATION_IDENTITY = "attestation-identity"
    ATTESTATION_SUBJECT = "attestation-subject"
    SUMMARY_ATTESTATIONS = "summary-attestations"
    SUMMARY_CLAIMS = "summary-claims"
    SUMMARY_CLAIM_OWNER = "summary-claim-owner"
    SUMMARY_CLAIM_OWNER_ID = "summary-claim-owner-id"
    SUMMARY_CLAIM_REPOSITORY = "summary-claim-repository"
    SUMMARY_CLAIM_WORKFLOW = "summary-claim-workflow"
    SUMMARY_CLAIM_ENVIRONMENT = "summary-claim-environment"
    SUMMARY_CLAIM_REF = "summary-claim-ref"
    SUMMARY_CLAIM_EVENT = "summary-claim-event"
    SUMMARY_CLAIM_SUBJECT = "summary-claim-subject"
    SUMMARY_CLAIM_MORE = "summary-claim-more"
    PENDING_MAY_HAVE_EXPIRED = "phrase-pending-may-have-expired"
    PENDING_FOR_NEW = "phrase-pending-for-new"
    SUMMARY_FIX = "summary-fix"
    SUMMARY_DETAILS = "summary-details"
    LINK_SETTINGS = "phrase-link-settings"
    LINK_PENDING = "phrase-link-pending"
    LINK_PENDING_ANY = "phrase-link-pending-any"
    LINK_ADD_PUBLISHER = "phrase-link-add-publisher"
    LINK_PROJECT = "phrase-link-project"
    LINK_RELEASE = "phrase-link-release"
    SUMMARY_RELEASES = "summary-releases"
    SUMMARY_NOTES = "summary-notes"
    SUMMARY_LOG_COLUMN = "summary-log-column"
    LINK_LOG_ENTRY = "phrase-link-log-entry"
    LINK_HELP_TROUBLESHOOTING = "phrase-help-troubleshooting"
    LINK_HELP_NEW_PROJECT = "phrase-help-new-project"
    LINK_HELP_USING = "phrase-help-using"
    LINK_HELP_ADDING = "phrase-help-adding"
    LINK_HELP_REUSABLE = "phrase-help-reusable"
    LINK_HELP_ATTESTATIONS = "phrase-help-attestations"


MESSAGES: dict[Msg, tuple[str, str]] = {
    Msg.INTERNAL_ERROR: (
        "Internal error in the action",
        "$error\nThis is a bug in the action, not in your project; please report it with "
        "this log. Nothing was uploaded after it (what was before is listed below).\n"
        "Fix: re-run with `skip-existing: true` to finish the release; `verbose: true` "
        "shows more.",
    ),
    Msg.INTERNAL_ERROR_CHECK: (
        "Internal error in the action",
        "$error\nThis is a bug in the action, not in your project; please report it with "
        "this output. The checks after it did not run; nothing was sent to the index.\n"
        "Fix: `--verbose` (or `verbose: true`) shows where it happened; report that.",
    ),
    Msg.FILE_COMMAND_FAILED: (
        "Cannot write `$variable`",
        "`$path` (from `$variable`) cannot be written: $reason. The step's outputs or "
        "summary are missing; the publish itself is not affected (see the log).\n"
        "Fix: do not set `$variable` yourself, in `env:` or elsewhere: the runner sets it "
        "for each step.",
    ),
    # --- inputs -----------------------------------------------------------------------
    Msg.INPUT_CONFLICT: (
        "Input `$name` is given twice, differently",
        "`$hyphen` and `$underscore` are both set, to different values (not shown: one "
        "may be a secret). The first, `$name` under `with:`, is used, as "
        "pypa/gh-action-pypi-publish does.\n"
        "Fix: keep `$name` under `with:` only; remove the other spelling from `with:` or "
        "`env:`.",
    ),
    Msg.INPUT_DEPRECATED: (
        "Input `$alias` is a deprecated spelling of `$name`",
        "Its value is used for `$name`, which is not given (as in "
        "pypa/gh-action-pypi-publish, a value written under `$name` would win).\n"
        "Fix: write `$name:` under `with:` instead of `$alias:`.",
    ),
    Msg.INPUT_BOOL_EMPTY: (
        "Input `$name` is empty",
        'The input `$name` is set but empty (`$variable` is ""), typically from an '
        "expression that evaluated to nothing. It is not taken as its default: an empty "
        "`dry-run` must not publish for real.\n"
        "Fix: give `$name` a value, true or false (e.g. `$${{ inputs.x || 'false' }}`), "
        "or remove it from `with:` to get its default.",
    ),
    Msg.INPUT_EMPTY: (
        "Input `$name` is empty",
        'The input `$name` is set but empty (`$variable` is ""), typically from an '
        "expression that evaluated to nothing (a variable or secret that is not set). "
        "It is not taken as its default, $default: that would publish somewhere you did "
        "not name.\n"
        "Fix: make the expression give the upload URL (e.g. define the variable it "
        "reads), or remove `$name` from `with:` to publish to $default.",
    ),
    Msg.INPUT_NOT_BOOL: (
        "Input `$name` must be true or false",
        "The input `$name` is set to `$value`, which is not a boolean.\n"
        "Fix: use one of true/false, yes/no, on/off, 1/0 (any case), e.g. `$name: true`.",
    ),
    Msg.INPUT_NOT_COUNT: (
        "Input `$name` must be a whole number from 1 to $most",
        "The input `$name` is set to `$value`.\n"
        "Fix: give a number from 1 (one file at a time) to $most, e.g. `$name: 4`, or "
        "remove it from `with:` to get its default.",
    ),
    Msg.CREDENTIAL_NOT_SENDABLE: (
        "Input `$name` cannot be sent to the index",
        "The input `$name` holds $what, which HTTP Basic authentication (how uploads "
        "carry the user name and password, as with twine) cannot carry; its value is not "
        "shown here.\n"
        "Fix: check the secret or value passed as `$name`; an API token is ASCII (`pypi-` "
        "and letters, digits, `-` and `_`).",
    ),
    Msg.NOT_LATIN1: ("a character outside Latin-1 (a pasted typographic dash, say)", ""),
    Msg.USER_COLON: ("a colon, which ends the user name there", ""),
    Msg.PASSWORD_WITH_USER: (
        "$index accepts API tokens only, not passwords",
        "The input `user` is `$user` with a password, but $index no longer accepts "
        "user names and passwords for uploads.\n"
        "Fix: remove `user` and `password` to use trusted publishing (recommended), or "
        "create an API token on $index and pass it as `password` with `user: __token__`.",
    ),
    Msg.NOT_LINUX: (
        "This action needs a Linux runner",
        "The job runs on $os; GitHub runs container actions on Linux runners only.\n"
        "Fix: run the publishing job on `runs-on: ubuntu-latest`; build wheels for other "
        "systems in other jobs and pass them on as artifacts.",
    ),
    Msg.URL_INVALID: (
        "The $what is not a usable URL",
        "`$url` cannot be used: $reason.\n"
        "Fix: give the full address, like https://upload.pypi.org/legacy/.",
    ),
    Msg.URL_HAS_CREDENTIALS: (
        "The $what must not contain credentials",
        "The $what has a user name or password inside it; it would be sent to every "
        "endpoint of the index and shown in the links this action prints.\n"
        "Fix: remove them from the URL and pass them as `user` and `password` (a secret).",
    ),
    Msg.URL_NOT_HTTPS: (
        "Refusing to send credentials over plain http",
        "The $what `$url` does not use https. Tokens and files would cross the network "
        "unencrypted; plain http is allowed only to this machine (localhost).\n"
        "Fix: use the https:// address of the index.",
    ),
    Msg.URL_PYPI_PATH: (
        "`repository-url` is not $host's upload endpoint",
        "`repository-url` is `$url`, but $host takes uploads at $expected only (its "
        "simple API and its pages are found from there).\n"
        "Fix: set `repository-url: $expected`$default.",
    ),
    Msg.LOG_ENVIRONMENT_DROPPED: (
        "The publish runs without these variables of the job's environment: $names",
        "They make the dynamic loader, glibc or OpenSSL load other code or resolve names "
        "another way, so the action started Python again without them. The interpreter's "
        "first start, before the action could drop them, may have loaded a library they "
        "name (a preload's code has run): set them only on the steps that need them, not "
        "for the job (see docs/security.md).",
    ),
    Msg.RUN_DEADLINE: (
        "The run took too long",
        "The run has used up its $seconds s for network requests and signing, so it stopped "
        "when $what. Nothing more was uploaded.\n"
        "Fix: check the index's status page; re-run with `skip-existing: true` to finish the "
        "release.",
    ),
    Msg.RUN_CANCELLED: (
        "The run was cancelled",
        "The job was cancelled, or reached its `timeout-minutes` (signal $signal): the run "
        "stopped where it was and started no new upload.\n"
        "Fix: re-run the job with `skip-existing: true` to finish the release: files on "
        "the index are skipped, the rest uploaded.",
    ),
    Msg.DRY_RUN_CANCELLED: (
        "The dry run was cancelled",
        "The job was cancelled, or reached its `timeout-minutes` (signal $signal): the dry "
        "run stopped where it was. The checks above are those it did; nothing was minted "
        "or uploaded.\n"
        "Fix: re-run the job to finish the checks (with a higher `timeout-minutes` if it "
        "ran out of time).",
    ),
    Msg.REQUEST_TOO_SLOW: (
        "The index answered too slowly",
        "While $what, the request to $url did not complete within $seconds s (the answer came"
        " too slowly, or not at all), so it was cut off.\n"
        "Fix: check the index's status page and re-run the job; with a large file on a slow "
        "link, re-run with `skip-existing: true`.",
    ),
    Msg.TLS_SETUP_FAILED: (
        "Cannot set up TLS for the index",
        "A request to $url could not start: $reason\n"
        "Fix: `REQUESTS_CA_BUNDLE` or `CURL_CA_BUNDLE` (in the step's `env:`) must name an "
        "existing certificate bundle file (in a docker action, a path under "
        "/github/workspace); remove it to use the public authorities.",
    ),
    Msg.AUDIENCE_REFUSED: (
        "The index asked for an OIDC token it must not have",
        "$url asked for a token for the audience `$audience`: $reason. An audience is the "
        "service a token is for; whoever holds one can present it, as this workflow, to "
        "every service that trusts that audience. No token was requested.\n"
        "Fix: check `repository-url`: it must be the upload URL of the index you mean.",
    ),
    Msg.AUDIENCE_NOT_PINNED: (
        "The index's OIDC audience must be pinned in the workflow",
        "$url asks for a token for the audience `$audience`. This action knows PyPI's and "
        "TestPyPI's audiences, and takes one that is the index's own host name; any other "
        "may be one another service trusts (workflows bind Vaults and artifact stores to "
        "names like `vault` or `jfrog-github`), so the workflow must say it is this "
        "index's. No token was requested.\n"
        "Fix: if `$audience` is this index's audience (its documentation says), add "
        "`oidc-audience: $audience` under `with:`; otherwise check `repository-url`.",
    ),
    Msg.AUDIENCE_PIN_MISMATCH: (
        "The index asks for another OIDC audience than `oidc-audience`",
        "$url asks for a token for the audience `$audience`, but the workflow pins "
        "`oidc-audience: $pinned`. No token was requested.\n"
        "Fix: check `repository-url` and `oidc-audience`; pin the audience the index's "
        "documentation gives.",
    ),
    Msg.AUDIENCE_INPUT_REFUSED: (
        "Input `$name` cannot be `$value`",
        "No token is asked for that audience: $reason.\n"
        "Fix: set `$name` to the audience the service's documentation gives (an index's "
        "own, or your Sigstore deployment's), or remove it.",
    ),
    Msg.SIGSTORE_AUDIENCE_PUBLIC: (
        "Input `sigstore-audience` needs `sigstore-trust-config`",
        "`sigstore-audience` is `$value`, but without `sigstore-trust-config` the run signs "
        "with Sigstore's public-good instance, whose certificate authority takes tokens for "
        "the audience `sigstore` only.\n"
        "Fix: remove `sigstore-audience`, or name your deployment with "
        "`sigstore-trust-config`.",
    ),
    Msg.MINT_NO_TOKEN: (
        "The index's mint-token answer holds no upload token",
        "$url answered HTTP 200, but without a `token` string in its JSON: $body\n"
        "Fix: check `repository-url`: it must be a Warehouse-compatible index. If it is, "
        "the index is at fault: re-run the job later.",
    ),
    Msg.MINT_TOKEN_SHOWN: (
        "The index's upload token is text this run shows",
        "$url answered with an upload token that is, or is part of, text this run has "
        "logged or will show (a file name, a sha256). It was not used, nor masked: masking "
        "it would hide that text in all that follows, outputs and summary included.\n"
        "Fix: check `repository-url`: it must be a Warehouse-compatible index.",
    ),
    Msg.MINT_TOKEN_IMPLAUSIBLE: (
        "The index's upload token is not plausible",
        "$url answered with an upload token of $length characters, or one with characters no "
        "token has (white space, controls); a real one is far longer. It was not used, nor "
        "masked (masking it would hide its letters all through this log).\n"
        "Fix: check `repository-url`: it must be a Warehouse-compatible index.",
    ),
    Msg.FILENAME_UNSAFE: (
        "A distribution's file name has characters no index takes",
        "`$path` holds characters outside letters, digits and `._+!-` (a control "
        "character, white space, or bytes that are not UTF-8, shown escaped). The index "
        "refuses control characters, DEL and backslashes, no build tool writes the rest, "
        "and they would garble this log.\n"
        "Fix: rebuild the distribution; do not rename distribution files.",
    ),
    Msg.NOT_REGULAR_FILE: (
        "Not a regular file",
        "`$path` is named like a distribution but is not a regular file (a named pipe, a "
        "device or a socket); reading it could block the run for ever.\n"
        "Fix: remove it from packages-dir and put the real file there.",
    ),
    Msg.DIST_CHANGED: (
        "A distribution changed after it was checked",
        "`$path` is no longer the file that was validated (sha256 $sha256): another file "
        "was put in its place, a link re-pointed, or it was written to, while or after "
        "it was checked. It was not uploaded: an upload sends the bytes validated or "
        "stops before its last byte.\n"
        "Fix: nothing may write to packages-dir while the action runs (another step in "
        "the background, a second job on the same runner); re-run the job.",
    ),
    Msg.DESCRIPTION_TOO_DEEP: (
        "Long description is nested too deeply",
        "The long description of `$path` is reStructuredText nested so deeply that it cannot "
        "be rendered; the index will refuse the upload.\n"
        "Fix: flatten the README's nesting (lists and block quotes inside each other) and "
        "rebuild.",
    ),
    Msg.DESCRIPTION_TOO_SLOW: (
        "Long description takes too long to render",
        "Rendering the long description of `$path` took more than $seconds s (large grid "
        "tables do this), so it was stopped; the index renders it too, and may refuse or time"
        " out.\n"
        "Fix: simplify the README (split or replace large grid tables) and rebuild, or set "
        "`verify-metadata: false` to skip this check.",
    ),
    # --- the index, in general ---------------------------------------------------------
    Msg.REQUEST_FAILED: (
        "A request failed while $what",
        "While $what, the request to $url failed: $fault (after $tries tries).\n"
        "Fix: check the URL and the index's status page, then re-run the job. Nothing "
        "was uploaded by this request.",
    ),
    Msg.TLS_FAILED: (
        "Cannot verify the index's certificate",
        "The TLS connection to $url failed: $reason\n"
        "Fix: for an index with a private certificate authority, point "
        "`REQUESTS_CA_BUNDLE` (in the step's `env:`) at a bundle that holds it and the "
        "public authorities (GitHub's token endpoint needs those).",
    ),
    Msg.ANSWER_TOO_LARGE: (
        "The index sent an answer too large to be real",
        "The answer from $url was larger than $limit bytes; refusing to read it.\n"
        "Fix: check that repository-url points at a package index.",
    ),
    Msg.ANSWER_NOT_JSON: (
        "Unexpected answer from the index",
        "$what at $url answered HTTP $status with something that is not the expected JSON:\n"
        "  $body\n"
        "Fix: check that repository-url points at a Warehouse-compatible index (like "
        "https://upload.pypi.org/legacy/).",
    ),
    # --- distributions ------------------------------------------------------------------
    Msg.DIR_MISSING: (
        "packages-dir not found",
        "The folder `$path` does not exist, so there is nothing to publish.\n"
        "Fix: build your distributions first (e.g. `python -m build`, which writes to "
        "dist/), or set `packages-dir` to where they are. If they come from another job, "
        "download the artifact into that folder first.",
    ),
    Msg.DIR_UNREADABLE: (
        "packages-dir cannot be read",
        "The folder `$path` cannot be listed: $reason.\n"
        "Fix: check its permissions, or point `packages-dir` at the distributions.",
    ),
    Msg.DIR_NOT_FOLDER: (
        "packages-dir is not a folder",
        "`$path` is a file, not a folder.\n"
        "Fix: set `packages-dir` to the folder that holds the distributions.",
    ),
    Msg.NO_DISTS: (
        "No distributions to publish",
        "The folder `$path` holds no sdist (.tar.gz, .zip) and no wheel (.whl). "
        "Found: $ignored.\n"
        "Fix: build the distributions into this folder, or point `packages-dir` at them.",
    ),
    Msg.SYMLINK_ESCAPES: (
        "A link in packages-dir points outside it",
        "`$path` is a symbolic link to `$target`, outside `$folder`. Refusing to publish "
        "a file from elsewhere on the machine.\n"
        "Fix: copy the file into the folder instead of linking it.",
    ),
    Msg.DUPLICATE_FILENAME: (
        "Two distributions with the same file name",
        "`$first` and `$second` have the same name on the index (file names there are "
        "unique, whatever their case).\n"
        "Fix: remove one of them.",
    ),
    Msg.TWO_SDISTS: (
        "Two source distributions for one release",
        "`$first` and `$second` are both sdists of version $version; the index takes "
        "only one sdist per release.\n"
        "Fix: keep one (the .tar.gz, as PEP 625 asks) and remove the other.",
    ),
    Msg.UNREADABLE: (
        "Cannot read a distribution",
        "`$path` cannot be read: $reason.\nFix: check the file's permissions, or rebuild it.",
    ),
    Msg.EMPTY_FILE: (
        "Empty distribution file",
        "`$path` is empty (0 bytes).\n"
        "Fix: rebuild the distribution; the build or the artifact download was cut short.",
    ),
    Msg.CORRUPT_ARCHIVE: (
        "Corrupt or truncated distribution",
        "`$path` is not a readable archive: $reason.\n"
        "Fix: rebuild it; if it came from an artifact, the upload or download was cut short.",
    ),
    Msg.NO_METADATA_FILE: (
        "Distribution has no metadata",
        "`$path` holds no `$member`, which is where the index reads the core metadata (an "
        "sdist's PKG-INFO sits in its one top-level folder; a wheel's METADATA in the "
        "`.dist-info` folder named like the file), so its name and version cannot be known.\n"
        "Fix: build it with a standard build backend (`python -m build`); do not repack or "
        "rename distribution files.",
    ),
    Msg.METADATA_TOO_LARGE: (
        "Distribution metadata is implausibly large",
        "The metadata file in `$path` is $size bytes.\n"
        "Fix: rebuild the distribution; check the long description in your project settings.",
    ),
    Msg.METADATA_VERSION: (
        "Unsupported Metadata-Version",
        "`$path`: $problem; the index accepts Metadata-Version $accepted (2.0 was never a "
        "standard version, and the index refuses it).\n"
        "Fix: upgrade your build backend (it writes the metadata version) and rebuild.",
    ),
    Msg.METADATA_INVALID: (
        "Invalid distribution metadata",
        "The metadata of `$path` is invalid; the index would refuse it, naming `$field`: "
        "$reported\n"
        "Every problem found:\n"
        "$problems\n"
        "Fix: correct these fields in your project configuration (pyproject.toml) and "
        "rebuild. See https://packaging.python.org/specifications/core-metadata/",
    ),
    Msg.BAD_FILENAME: (
        "Invalid distribution file name",
        "`$path` does not have a valid distribution file name: $reason.\n"
        "Fix: do not rename distribution files; rebuild to get the standard name.",
    ),
    Msg.FILENAME_NAME_MISMATCH: (
        "File name and metadata name differ",
        "`$path` is named for the project `$file_name`, but its metadata says Name: $name; "
        "the index refuses it (\"Start filename for '$name' with '$stem'\").\n"
        "Fix: rebuild the distribution; do not rename distribution files.",
    ),
    Msg.FILENAME_VERSION_MISMATCH: (
        "File name and metadata version differ",
        "`$path` is named for version $file_version, but its metadata says Version: $version;"
        " the index refuses it.\n"
        "Fix: rebuild the distribution; do not rename distribution files.",
    ),
    Msg.FILENAME_NOT_NORMALIZED: (
        "File name does not use the normalized project name",
        "`$path` starts with `$written`; the index requires the normalized project name "
        "`$expected` there (PEP 427: lower case, runs of `-_.` as one `_`) and refuses the "
        "wheel.\n"
        "Fix: upgrade your build backend (setuptools >= 69.3, hatchling, flit-core >= 3.11, "
        "poetry-core >= 2) and rebuild.",
    ),
    Msg.SDIST_NOT_TARGZ: (
        "Source distributions must be .tar.gz",
        "`$path` is a .zip sdist; PEP 625 makes .tar.gz the one sdist format, and the index "
        "refuses others (it wants `$expected`).\n"
        "Fix: build the sdist with a current build backend (`python -m build --sdist`).",
    ),
    Msg.SDIST_NAME_EXACT: (
        "The sdist's file name is not the one the index requires",
        "`$path` should be named `$expected` (PEP 625: the normalized name, then the "
        "version in its normal form); the index refuses any other name.\n"
        "Fix: rebuild with a current build backend; do not rename distribution files.",
    ),
    Msg.WHEEL_PLATFORM: (
        "Unsupported wheel platform tag",
        "`$path` has the platform tag `$platform`, which the index refuses: $hint.\n"
        "Fix: build the wheel with a tag the index takes (cibuildwheel does; `auditwheel "
        "repair` retags Linux wheels; on macOS set MACOSX_DEPLOYMENT_TARGET).",
    ),
    Msg.LOCAL_VERSION: (
        "Local versions cannot be uploaded",
        "`$path`: $problem The index refuses versions with a local part (after `+`).\n"
        "Fix: publish a public version (without `+…`); if the version comes from "
        "setuptools-scm, build from a clean checkout of a tag.",
    ),
    Msg.DESCRIPTION_DOES_NOT_RENDER: (
        "Long description does not render",
        "The long description of `$path` is reStructuredText (`$content_type`) that does not "
        "render, and the index will refuse the upload:\n"
        "$problems\n"
        'Fix: correct the README, or declare its type (e.g. `readme = "README.md"` sets '
        "text/markdown), and rebuild. `twine check` shows the same problems.",
    ),
    Msg.SEVERAL_VERSIONS: (
        "packages-dir holds several versions of `$project`",
        "Versions $versions of `$project` are all there, and all will be uploaded; a "
        "build left over from an earlier release often is.\n"
        "Fix: empty the folder before building (`rm -rf dist`), or remove the versions "
        "you do not mean to publish.",
    ),
    Msg.MANY_PROBLEMS: (
        "$count problems with the distributions",
        "$problems\nNothing was uploaded.",
    ),
    Msg.SDIST_TOP_LEVEL: (
        "The sdist does not have exactly one top-level folder",
        "`$path` holds more than one top-level entry (found: $found); the index requires one "
        'folder, `{name}-{version}/`, with PKG-INFO in it, and refuses the upload ("Incorrect'
        ' number of top-level directories in sdist"). A second folder could also hold a '
        "PKG-INFO that says something else.\n"
        "Fix: build the sdist with `python -m build --sdist`; do not repack it by hand.",
    ),
    Msg.WHEEL_DIST_INFO: (
        "The wheel's .dist-info folder does not match its file name",
        "`$path` has no `$member`: the index looks for the WHEEL and METADATA files in the "
        "`.dist-info` folder named exactly as the file name's name and version, and refuses "
        'the wheel ("WHEEL not found at $member"). `.dist-info` folders in the wheel: $found.'
        "\n"
        "Fix: do not rename wheel files; rebuild the wheel (`python -m build --wheel`).",
    ),
    Msg.ARCHIVE_POLYGLOT: (
        "The file is both a ZIP and a tar archive",
        "`$path` reads as a ZIP archive and as a tar archive; the index refuses such files, "
        "since tools could unpack different contents.\n"
        "Fix: rebuild the distribution with a standard build backend.",
    ),
    Msg.ARCHIVE_RATIO: (
        "The archive unpacks to too much",
        "`$path` unpacks to $unpacked bytes from $packed, more than $limit times its size "
        "past 64 MiB; the index refuses it as a possible decompression bomb.\n"
        "Fix: leave large generated or data files out of the distribution.",
    ),
    Msg.ARCHIVE_TOO_MANY_MEMBERS: (
        "The archive holds too many members",
        "`$path` holds more than $limit members, or more than $names bytes of member "
        "names; checking each costs memory, so it was not read further (a limit of this "
        "action's, above what real distributions hold; the index has none).\n"
        "Fix: leave generated files out of the distribution; if it is genuine, split "
        "the project.",
    ),
    Msg.METADATA_TOO_MANY_FIELDS: (
        "Distribution metadata has too many fields",
        "The metadata file in `$path` has more than $limit header fields; real ones have "
        "some hundreds (classifiers, requirements). It was not parsed (a limit of this "
        "action's).\n"
        "Fix: rebuild the distribution; check the metadata your project settings produce.",
    ),
    Msg.WARN_DESCRIPTION_NOT_RENDERED: (
        "Long description not checked: too large to render here",
        "The reStructuredText description of `$path` is longer than $limit characters; "
        "rendering it could take more memory than the rest of the checks (docutils holds "
        "up to some 300 bytes per character), so it was not rendered. The index renders it, "
        "and refuses the upload if it does not render.\n"
        "Fix: check it with `twine check` on your machine, or shorten it (a changelog can "
        "stay out of the description).",
    ),
    Msg.ARCHIVE_UNPACKS_TOO_MUCH: (
        "The sdist unpacks to too much",
        "`$path` unpacks to more than $limit bytes from $packed: a decompression bomb, "
        "or data no sdist needs; it was not read further (a limit of this action's, "
        "like the index's for ZIP archives).\n"
        "Fix: leave large generated or data files out of the sdist.",
    ),
    Msg.ARCHIVE_MEMBER_TOO_LARGE: (
        "A member of the archive is implausibly large",
        "`$path` holds `$member`, larger than $limit bytes, which no such file (a "
        "metadata file, entry points, a tar header) is; it was not read.\n"
        "Fix: rebuild the distribution with a standard build backend.",
    ),
    Msg.ARCHIVE_COMPRESSION: (
        "The archive uses a compression the index refuses",
        "`$member` in `$path` is compressed with method $method; the index takes only stored "
        "(0) and deflated (8) members.\n"
        "Fix: rebuild with a standard build backend (they write deflate).",
    ),
    Msg.ARCHIVE_OBFUSCATED: (
        "The archive holds encrypted code the index refuses",
        "`$member` in `$path` is $tool-encrypted; PyPI's acceptable use policy refuses it "
        "(https://pypi.org/policy/acceptable-use-policy/).\n"
        "Fix: publish the plain code, or do not publish this file to PyPI.",
    ),
    Msg.ZIP_FRAMING: (
        "ZIP archive not accepted",
        "`$path` is a ZIP whose records the index refuses: $problem. The index wants the "
        "local headers and the central directory to describe the same files, once each, with "
        "nothing else in the file (https://docs.pypi.org/archives).\n"
        "Fix: rebuild with a standard build backend or `python -m zipfile`; do not append to,"
        " sign in place or re-zip distribution files with other tools.",
    ),
    Msg.TAR_SPARSE: (
        "The sdist has a sparse tar member",
        "`$member` in `$path` is a sparse file (a GNU tar extension); the index refuses "
        "sdists with sparse members (https://docs.pypi.org/archives).\n"
        "Fix: build the sdist with `python -m build --sdist`.",
    ),
    Msg.LICENSE_FILE_MISSING: (
        "A License-File is not in the distribution",
        "The metadata of `$path` names License-File `$value`, but `$member` is not in the "
        "archive; the index refuses the upload. (A client that leaves License-File out of "
        "the upload, `maturin upload` for one, got such files through; twine, uv and this "
        "action send it.)\n"
        "Fix: check `license-files` in pyproject.toml (the paths are relative to the project "
        "root) and rebuild; upgrade the build backend if it still misplaces them.",
    ),
    Msg.WHEEL_RECORD_MISSING: (
        "The wheel has no readable RECORD",
        "`$path` has no `$member` the index can read (it must be there, in UTF-8 CSV); the "
        "index refuses the wheel.\n"
        "Fix: rebuild the wheel with a standard build backend; do not edit wheels by hand.",
    ),
    Msg.WHEEL_ENTRY_POINTS: (
        "The wheel's entry points are invalid",
        "`$member` in `$path` is refused by the index: $problem. Script names may hold only "
        "letters, digits, `_`, `.` and `-`.\n"
        "Fix: correct `[project.scripts]` / `[project.gui-scripts]` (or the entry points of "
        "your build configuration) and rebuild.",
    ),
    Msg.WARN_FIELDS_DROPPED: (
        "Metadata fields that will not be sent",
        "`$path` has metadata fields packaging cannot read ($fields: unknown, not UTF-8, or "
        "given twice). The upload leaves them out, so the index never sees them (twine "
        "refuses the file instead); the file itself keeps them.\n"
        "Fix: upgrade your build backend and rebuild, or correct the fields.",
    ),
    Msg.WARN_NO_CONTENT_TYPE: (
        "`long_description_content_type` missing",
        "`$path`: `long_description_content_type` missing. defaulting to `text/x-rst` (as "
        "twine check says); the index will render the description as reStructuredText.\n"
        'Fix: declare the format the description is written in: `readme = "README.rst"` '
        'or `readme = "README.md"` in pyproject.toml sets it from the file\'s extension '
        '(setuptools\' setup(): `long_description_content_type="text/x-rst"` or '
        '`"text/markdown"`).',
    ),
    Msg.WARN_NO_DESCRIPTION: (
        "`long_description` missing",
        "`$path`: `long_description` missing (as twine check says); the project page on the "
        "index will have no description.\n"
        'Fix: set `readme = "README.md"` in pyproject.toml and rebuild.',
    ),
    Msg.WARN_RECORD_MISMATCH: (
        "The wheel's RECORD does not list its files",
        "`$path`: RECORD does not list exactly the files in the wheel (not listed: $unlisted;"
        " listed but absent: $absent). The index takes the wheel but emails the project's "
        "owners about it.\n"
        "Fix: rebuild the wheel instead of editing it.",
    ),
    Msg.WARN_FILE_SIZE: (
        "The file is larger than the index's default limit",
        "`$path` is $size MiB; the index refuses files over 100 MiB unless the project has a "
        "larger limit.\n"
        "Fix: ask for a larger limit "
        "(https://docs.pypi.org/project-management/storage-limits/) or make the file smaller.",
    ),
    # --- OIDC --------------------------------------------------------------------------
    Msg.OIDC_NO_PERMISSION: (
        "Trusted publishing needs `id-token: write`",
        "GitHub gave this job no OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL and "
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set; event: $event).\n"
        "Fix: give the publishing job the permission:\n"
        "    permissions:\n      id-token: write\n"
        "A job-level `permissions:` block replaces the workflow's, so put it on the job. "
        "Runs for pull requests from forks never get a token, whatever the permissions, "
        "and PyPI refuses tokens from `pull_request_target` runs: publish on `push` "
        "(tags), `release` or `workflow_dispatch`. "
        "Or pass an API token as `password` instead of trusted publishing.",
    ),
    Msg.OIDC_FORK_PR: (
        "Pull requests from forks cannot publish",
        "This run is a `$event` from a fork of $repository. GitHub never gives "
        "such runs an OIDC token, whatever the workflow's permissions.\n"
        "Fix: publish from `push` (tags), `release` or `workflow_dispatch` events, and "
        "skip this step on pull requests: `if: github.event_name != 'pull_request'`.",
    ),
    Msg.OIDC_NOT_IN_ACTIONS: (
        "Trusted publishing works only inside GitHub Actions",
        "There is no OIDC token outside a GitHub Actions job.\n"
        "Fix: to check a release locally, run `publisher check` (it needs no token); to "
        "publish from here, pass an API token as `password`.",
    ),
    Msg.OIDC_PULL_REQUEST_TARGET: (
        "PyPI refuses `pull_request_target` runs",
        "This run was triggered by `pull_request_target`; the index refuses tokens from "
        "such runs, since they execute with the base repository's rights for code from "
        "a pull request.\n"
        "Fix: publish from `push` (tags), `release` or `workflow_dispatch` events.",
    ),
    Msg.OIDC_REQUEST_FAILED: (
        "GitHub refused the OIDC token request",
        "The token request answered HTTP $status: $body\n"
        "Fix: re-run the job; if it persists, check that the job has `id-token: write`.",
    ),
    Msg.OIDC_MALFORMED: (
        "GitHub's OIDC answer had no token",
        "The token request answered 200 without a JSON object holding a `value`.\n"
        "Fix: re-run the job; this is a fault on GitHub's side.",
    ),
    Msg.TOKEN_UNREADABLE: (
        "The OIDC token cannot be read",
        "The token GitHub gave is not a readable JWT ($reason).\n"
        "Fix: re-run the job; this is a fault on GitHub's side.",
    ),
    Msg.TP_DISABLED: (
        "Trusted publishing is disabled on the index",
        "$url answered 403: the index has turned trusted publishing off ($body).\n"
        "Fix: wait until the index enables it again, or use an API token as `password`.",
    ),
    Msg.TP_UNSUPPORTED: (
        "The index does not support trusted publishing",
        "$url answered 404, so this index has no trusted publishing.\n"
        "Fix: check `repository-url` (PyPI: https://upload.pypi.org/legacy/, TestPyPI: "
        "https://test.pypi.org/legacy/), or use an API token as `password`.",
    ),
    Msg.AUDIENCE_STATUS: (
        "Unexpected answer from the audience endpoint",
        "$url answered HTTP $status.\n"
        "Fix: check `repository-url`; if the index is having trouble, re-run later.",
    ),
    Msg.REUSABLE_WORKFLOW: (
        "Publishing from a reusable workflow",
        "This job runs inside a reusable workflow: the job's file is `$called`, called "
        "from `$caller`. PyPI matches the publisher against the *called* file "
        "(`$called_file`), and only when it is in the same repository at the same ref; "
        "reusable workflows are not supported otherwise ($issue).\n"
        "Fix: move the publishing job into the top-level workflow, or register the "
        "publisher with the workflow file `$called_file`.",
    ),
    # --- mint ----------------------------------------------------------------------------
    Msg.MINT_STATUS: (
        "Unexpected answer from the mint-token endpoint",
        "$url answered HTTP $status: $body\n"
        "Fix: check `repository-url`; if the index is having trouble, re-run later.",
    ),
    Msg.MINT_REGISTRATION_DISABLED: (
        "The index is not taking new projects right now",
        "The token exchange would create the project through its pending publisher, and "
        "the index refused: `$code`: $description\n"
        "Fix: wait until the index takes new projects again (its status page says), then "
        "re-run; nothing was created or uploaded.",
    ),
    Msg.MINT_NOT_ENABLED: (
        "Trusted publishing for GitHub is disabled on the index",
        "The index refused the token exchange: `$code`: $description\n"
        "Fix: wait until the index enables it again, or use an API token as `password`.",
    ),
    Msg.MINT_INVALID_PAYLOAD: (
        "The index could not read the token exchange request",
        "The index answered `$code`: $description\n"
        "Fix: this is a fault in the action or on GitHub's side; re-run the job and "
        "report it if it persists.",
    ),
    Msg.MINT_UNKNOWN_ISSUER: (
        "The index does not trust this CI's tokens",
        "The index answered `$code`: $description\n"
        "The token's issuer is `$issuer`. The index accepts GitHub's "
        "https://token.actions.githubusercontent.com; GitHub Enterprise Server and "
        "enterprise-specific issuers are not supported.\n"
        "Fix: publish from github.com, or use an API token as `password`.",
    ),
    Msg.MINT_PROJECT_REFUSED: (
        "The index refused to create the project",
        "A pending publisher matched this run, but the index refused to create its "
        "project: `$code`: $description\n"
        "Fix: choose another project name (see the link in the message), change the "
        "pending publisher to that name at $pending_link and the `name` in pyproject.toml "
        "to match, then rebuild.",
    ),
    Msg.MINT_INVALID_TOKEN: (
        "The index rejected the OIDC token",
        "The index answered `$code`: $description\n"
        "The token was made for the audience `$audience` by `$issuer`. A token for another "
        "index's audience (e.g. a `pypi` token sent to TestPyPI), an expired token or a "
        "clock problem gives this.\n"
        "Fix: check that `repository-url` is the index you mean; re-run the job.",
    ),
    Msg.MINT_INVALID_REUSE_TOKEN: (
        "The OIDC token was already used",
        "The index answered `$code`: $description\n"
        "Each OIDC token can be exchanged once.\n"
        "Fix: re-run the job: it fetches a fresh token. If another step or tool (twine "
        "with trusted publishing) exchanged the same token first, remove it.",
    ),
    Msg.MINT_INVALID_PENDING_PUBLISHER: (
        "Pending publisher matched, but its project already exists",
        "The index answered `$code`: $description\n"
        "A pending publisher matched this run, but a project with its name exists now "
        "(someone else created it, or it was created from another publisher); the index "
        "has deleted the pending publisher.\n"
        "$PUBLISHER_TABLE\n"
        "Fix: if the project is yours, add this publisher on its publishing settings:\n"
        "$settings_links\n"
        "Otherwise choose another name: change `name` in pyproject.toml, rebuild and "
        "register a pending publisher for it: $pending_link$reusable",
    ),
    Msg.MINT_INVALID_PUBLISHER: (
        "No trusted publisher matches this run",
        "The index answered `$code`: $description\n"
        "$PUBLISHER_TABLE\n"
        "${expired}"
        "Fix: compare each row with the publisher's settings:\n"
        "$settings_links\n"
        "$pending$reusable",
    ),
    Msg.MINT_UNKNOWN_CODE: (
        "The index refused the token exchange",
        "The index answered HTTP $status with the code `$code`, which this action does "
        "not know: $description\n"
        "$PUBLISHER_TABLE\n"
        "Fix: read the description above; the publisher settings are at:\n$settings_links",
    ),
    # --- attestations (PEP 740) ----------------------------------------------------
    Msg.SIGSTORE_PUBLIC: (
        "Sigstore's public-good instance",
        "",
    ),
    Msg.SIGSTORE_PRIVATE: (
        "the Sigstore deployment of $path",
        "",
    ),
    Msg.TRUST_CONFIG_BAD: (
        "Cannot read the Sigstore trust config",
        "`$path` (input `sigstore-trust-config`) cannot be used: $reason.\n"
        "Fix: give the path, relative to the workspace, of a Sigstore client trust config "
        "(JSON: `trustedRoot` and `signingConfig`, the format `sigstore --trust-config` "
        "reads), or remove the input to use Sigstore's public-good instance.",
    ),
    Msg.SIGSTORE_ANSWER_TOO_LARGE: (
        "The Sigstore deployment sent an answer too large to be real",
        "The answer from $url was larger than $limit bytes (decompressed); refusing to "
        "read it. Nothing was uploaded.\n"
        "Fix: check `sigstore-trust-config`: its services must be the Sigstore deployment "
        "you mean.",
    ),
    Msg.PATH_OUTSIDE_WORKSPACE: (
        "Input `$name` points outside the workspace",
        "`$name` is `$value`, which is outside the workspace `$workspace` (an absolute "
        "path elsewhere, `..`, or a link out of it). The action reads only what the job "
        "put in its workspace, never other files of the machine or its container; "
        "nothing there was read or listed.\n"
        "Fix: give a path relative to the workspace, without `..` (like `dist`), and "
        "put or download the files there first.",
    ),
    Msg.SIGSTORE_TRUST_UNAVAILABLE: (
        "Cannot get Sigstore's trust data",
        "Signing for this index needs the public-good instance's trusted root and signing "
        "config, which sigstore-python fetches (TUF, from tuf-repo-cdn.sigstore.dev); that "
        "failed: $reason\n"
        "Nothing was minted or signed.\n"
        "Fix: re-run the job; if Sigstore is having trouble (https://status.sigstore.dev), "
        "wait, or set `attestations: false` to publish without attestations.",
    ),
    Msg.SIGSTORE_TOO_SLOW: (
        "Sigstore answered too slowly",
        "$what did not answer within $seconds s, so the run stopped waiting; nothing was "
        "uploaded.\n"
        "Fix: re-run the job; if Sigstore is having trouble (https://status.sigstore.dev), "
        "wait, or set `attestations: false` to publish without attestations.",
    ),
    Msg.ATTEST_PRIVATE_FOR_PYPI: (
        "$index checks attestations against Sigstore's public-good instance",
        "`sigstore-trust-config` names another deployment (`$path`): $index would refuse "
        "every upload with 'Invalid attestations supplied during upload'.\n"
        "Fix: remove `sigstore-trust-config` when publishing to $index.",
    ),
    Msg.ATTEST_SKIPPED_PASSWORD: (
        "No attestations: a password is used",
        "PEP 740 attestations prove that a trusted publisher made the file; indexes take them"
        " only on uploads made with trusted publishing, so with `password` nothing is signed."
        "\n"
        "Fix: nothing; to publish with attestations, use trusted publishing (remove "
        "`password`, give the job `id-token: write`).",
    ),
    Msg.ATTEST_SKIPPED_INDEX: (
        "No attestations for $index",
        "A signature puts this repository's identity and each file's digest into Sigstore's "
        "public transparency log, for good. PyPI and TestPyPI check attestations; for another"
        " index this action signs only when `sigstore-trust-config` names a Sigstore "
        "deployment (a private one, say).\n"
        "Fix: nothing; set `sigstore-trust-config` to sign, or `attestations: false` to say "
        "so.",
    ),
    Msg.CHECK_ATTEST_OFF: (
        "No attestations (`attestations: false`)",
        "",
    ),
    Msg.CHECK_ATTEST_PLAN: (
        "$count file(s) will be signed (PEP 740) with $deployment",
        "Each file gets an attestation signed for this job's identity and logged for good in "
        "the deployment's public transparency log, checked by the action as the index "
        "checks it, and sent with the file.$given",
    ),
    Msg.CHECK_ATTEST_PLAN_GIVEN: (
        "For $count file(s), the attestation beside the file is sent instead, when it is "
        "this job's (below)",
        "",
    ),
    Msg.CHECK_ATTEST_GIVEN: (
        "`$attestation` is beside `$filename`",
        "It is sent instead of signing again if it verifies, as the index checks it, for "
        "this job's identity and these bytes (as when an earlier run in this job wrote "
        "it); otherwise `$filename` is signed afresh and the file replaced.",
    ),
    Msg.CHECK_ATTEST_EXTRA: (
        "`$attestation` will be sent with `$filename`",
        "Your own attestation ($predicate), checked before the token exchange as the index "
        "checks it, is sent beside the publish attestation.",
    ),
    Msg.ATTEST_REUSABLE: (
        "Attestations cannot work from a reusable workflow",
        "This job runs inside a reusable workflow: the job's file is `$called`, called from "
        "`$caller`. The token exchange matches the publisher against the called file "
        "(`$called_file`), but the index checks an attestation's Build Config URI, which "
        "Sigstore takes from the top-level workflow (`$caller_file`): the upload would be "
        'refused with "Invalid attestations supplied during upload" '
        "(pypa/gh-action-pypi-publish#283). Nothing was signed or minted.\n"
        "Fix: move the publishing job into the top-level workflow, or set `attestations: "
        "false`.",
    ),
    Msg.CHECK_SIGSTORE_TOKEN: (
        "OIDC token for Sigstore available",
        "Files would be signed as `$identity` (the token was only read). Nothing was signed: "
        "a signature is a public log entry for good.",
    ),
    Msg.LOG_ATTESTED: (
        "$filename: attestation $how",
        "signed by $identity, transparency log entry $log_index",
    ),
    Msg.ATTESTED_SIGNED: (
        "signed",
        "",
    ),
    Msg.ATTESTED_GIVEN: (
        "found beside it, checked",
        "",
    ),
    Msg.SIGNING_FAILED: (
        "Signing with Sigstore failed",
        "$reason\n"
        "($done file(s) had been signed; nothing was uploaded.)\n"
        "Fix: re-run the job; if Sigstore is having trouble (https://status.sigstore.dev), "
        "wait, or set `attestations: false` to publish without attestations.",
    ),
    Msg.ATTESTATION_UNREADABLE: (
        "Cannot read an attestation",
        "`$path` is not a PEP 740 attestation: $reason.\n"
        "Fix: remove it to let this action sign the file, or make it again with "
        "pypi-attestations.",
    ),
    Msg.PROVENANCE_LOST: (
        "Release $version of `$project` will show lost-provenance on $index",
        "This run uploads without attestations ($why), and release $previous, created "
        "$days day(s) before it, has attested files: the index grades a release with no "
        "attested files after a recent one with them `lost-provenance`, on the release's "
        "page, for anyone checking where it came from.\n"
        "Fix: publish with trusted publishing and attestations on, as $previous was: "
        "remove `password` (and give the job `id-token: write`, with a trusted publisher "
        "registered) or `attestations: false`.",
    ),
    Msg.PROVENANCE_INCONSISTENT: (
        "Release $version of `$project` will show inconsistent-provenance on $index",
        "Its files on the index were published by another publisher: $others. This "
        "run's are attested for $ours. The index grades a release whose files name more "
        "than one publisher (repository or workflow) `inconsistent-provenance`, on the "
        "release's page.\n"
        "Fix: publish all the files of a release from one workflow: upload these from "
        "the one that published the others, or publish them as the next version.",
    ),
    Msg.PROVENANCE_SOURCE: ("$kind $repository (workflow $workflow)", ""),
    Msg.PROVENANCE_WHY_PASSWORD: ("a password is used", ""),
    Msg.PROVENANCE_WHY_OFF: ("`attestations: false`", ""),
    Msg.PROVENANCE_WHY_INDEX: (
        "this action signs for this index only with `sigstore-trust-config`",
        "",
    ),
    Msg.DOING_PROVENANCE: ("asking who published `$filename` (integrity API)", ""),
    Msg.ATTESTATION_NOT_REUSED: (
        "`$attestation` is not used: `$filename` is signed afresh",
        "The publish attestation beside the file is not one to send for this job and "
        "these bytes: $reason.\n"
        "A new one is signed for this job, sent with the file and written in its place (a "
        "file left by an earlier run, or by a build of other bytes, usually).\n"
        "Fix: nothing to do; to keep your own, sign it for this job's workflow, ref and "
        "file.",
    ),
    Msg.ATTESTATION_OTHER_JOB: (
        "The attestation for `$filename` was signed for $identity, not for this job ($expected)",
        "Fix: sign it from this job, or remove it to let this action sign.",
    ),
    Msg.ATTESTATION_FILE_UNWRITABLE: (
        "Cannot write `$path`",
        "The attestation of `$filename` was signed and is sent with it, but could not be "
        "written beside it: $reason. A later step that looks for it there will not find "
        "it.\n"
        "Fix: let the action write into packages-dir (it runs as root in its container), "
        "or ignore this if no later step needs the file.",
    ),
    Msg.ATTESTATION_DUPLICATE: (
        "Two attestations of one kind for `$filename`",
        "$files both hold a $predicate attestation; the index takes at most one of each "
        "kind per file (twine would send both and have the upload refused). This action "
        "makes the publish attestation, `$filename.publish.attestation`.\n"
        "Fix: keep one of them: remove the other from packages-dir.",
    ),
    Msg.ATTESTATION_PREDICATE: (
        "`$attestation` is not an attestation the index takes",
        "Its predicate is `$predicate`; beside the publish attestation, which this action "
        "makes, the index takes only SLSA provenance (https://slsa.dev/provenance/v1).\n"
        "Fix: remove it from packages-dir, or bring an SLSA provenance v1 attestation.",
    ),
    Msg.ATTESTATION_INVALID: (
        "The attestation for `$filename` does not verify",
        "$reason\n"
        'The index would refuse the upload ("Invalid attestations supplied during upload"), '
        "so nothing was uploaded.\n"
        "Fix: if it is your own `.publish.attestation`, make it again for this file (or "
        "remove it to let this action sign); otherwise re-run the job.",
    ),
    Msg.ATTESTATION_IDENTITY: (
        "The attestation for `$filename` was signed by another identity",
        "The index checks the attestation against the trusted publisher the token was minted "
        "for:\n"
        "  expected: Source Repository URI https://github.com/$repository, Build Config URI "
        "https://github.com/$repository/.github/workflows/$workflow@…\n"
        "  actual:   Source Repository URI $actual_repository, Build Config URI $actual_build"
        "\n"
        "($reason) It would refuse the upload, so nothing was uploaded.\n"
        "Fix: sign from the workflow the publisher names (`$workflow` in $repository), or "
        "remove the attestation file to let this action sign.",
    ),
    Msg.ATTESTATION_SUBJECT: (
        "The attestation is for another file than `$filename`",
        "Its subject is `$subject` with sha256 $subject_digest; this file's sha256 is "
        "$sha256. The index would refuse the upload, so nothing was uploaded.\n"
        "Fix: make the attestation for this very file, or remove it to let this action sign.",
    ),
    Msg.SUMMARY_ATTESTATIONS: (
        "Attestations (PEP 740)",
        "",
    ),
    # The token's claims beside what the publisher must hold: each claim's name, then
    # what the publisher must hold and a hint (one line each).
    Msg.SUMMARY_CLAIMS: (
        "What the OIDC token says, beside what the trusted publisher on $index must hold",
        "",
    ),
    Msg.SUMMARY_CLAIM_OWNER: (
        "owner",
        "the same owner, exactly, case-sensitive\nrenamed owner?",
    ),
    Msg.SUMMARY_CLAIM_OWNER_ID: (
        "owner id",
        "the id of that account\naccount deleted and re-created?",
    ),
    Msg.SUMMARY_CLAIM_REPOSITORY: (
        "repository",
        "the same name, exactly, case-sensitive\nrenamed or transferred?",
    ),
    Msg.SUMMARY_CLAIM_WORKFLOW: (
        "workflow file",
        "the file name only, like release.yml, not its path\nrenamed file? typo?",
    ),
    Msg.SUMMARY_CLAIM_ENVIRONMENT: (
        "environment",
        "the same, in any case; or none, which accepts any\n"
        "a publisher with an environment never matches a job without one",
    ),
    Msg.SUMMARY_CLAIM_REF: (
        "ref",
        "not matched\nshown to help you find the run",
    ),
    Msg.SUMMARY_CLAIM_EVENT: (
        "event",
        "any event but pull_request_target\npull_request_target runs are always refused",
    ),
    Msg.SUMMARY_CLAIM_SUBJECT: (
        "subject (sub)",
        "not matched\n"
        "ignored by PyPI; for repositories created or renamed since 2026-07-15 it holds "
        "ids: repo:OWNER@ID/REPO@ID",
    ),
    Msg.SUMMARY_CLAIM_MORE: (
        "other claims",
        "not matched\ncheck_run_id and the repository's custom properties, to find the run",
    ),
    Msg.PENDING_MAY_HAVE_EXPIRED: (
        "Not on $index yet: $projects, so only a pending publisher can match this run. "
        "The index deletes a pending publisher 30 days after it was registered if no run "
        "used it (pypi/warehouse#19996, 2026): one registered longer ago is gone, and "
        "must be registered again.",
        "",
    ),
    Msg.PENDING_FOR_NEW: (
        "For a project that is not on the index yet, register a pending publisher "
        "(pre-filled from this token): $pending_link",
        "",
    ),
    Msg.SUMMARY_FIX: ("Fix", ""),
    Msg.SUMMARY_DETAILS: ("The whole diagnosis", ""),
    Msg.LINK_SETTINGS: ("publishing settings of $project", ""),
    Msg.LINK_PENDING: ("register a pending publisher for $project (pre-filled)", ""),
    Msg.LINK_PENDING_ANY: ("register a pending publisher (pre-filled)", ""),
    Msg.LINK_ADD_PUBLISHER: ("add this workflow as a publisher of $project (pre-filled)", ""),
    Msg.LINK_PROJECT: ("$project on the index", ""),
    Msg.LINK_RELEASE: ("$release", ""),
    Msg.SUMMARY_RELEASES: ("Release page: $releases", ""),
    Msg.SUMMARY_NOTES: ("Skipped or not done, and why", ""),
    Msg.SUMMARY_LOG_COLUMN: ("transparency log", ""),
    Msg.LINK_LOG_ENTRY: ("log entry $log_index", ""),
    Msg.LINK_HELP_TROUBLESHOOTING: ("help: troubleshooting trusted publishing", ""),
    Msg.LINK_HELP_NEW_PROJECT: ("help: creating a project through trusted publishing", ""),
    Msg.LINK_HELP_USING: ("help: publishing with a trusted publisher", ""),
    Msg.LINK_HELP_ADDING: ("help: adding a trusted publisher to a project", ""),
    Msg.LINK_HELP_REUSABLE: ("help: reusable workflows (pypi/warehouse#11096)", ""),
    Msg.LINK_HELP_ATTESTATIONS: ("help: attestations on the index", ""),
    # --- names and existing files -----------------------------------------------------------
    Msg.NAME_MISMATCH_AFTER_MINT: (
        "The token is for another project name than `$name`",
        "The token came from a publisher for another name than `$project`, so nothing was "
        "uploaded.\n"
        "`$filename` has the metadata name `$name` (the index calls it `$project`). That "
        "project was not on the index before the token exchange, and it is still not "
        "there after it. If the publisher was a pending one, the exchange has just created "
        '*that other* project, empty. Uploading would fail with "Non-user identities cannot '
        'create new projects".\n'
        "This is the classic mistake of a pending publisher registered under a name "
        "other than `$project` (the repository's name, a prefix or a typo) for a package "
        "whose metadata says `$name`: the names must be equal after normalization.\n"
        "Fix, either:\n"
        "  1. change `name` in pyproject.toml to the project name the publisher was "
        "registered for, rebuild and re-run; or\n"
        "  2. delete the empty project the pending publisher created (its settings on "
        "$index), then register a pending publisher for exactly `$project`: "
        "$pending_link",
    ),
    Msg.NAME_CHECK_UNANSWERED: (
        "Cannot check that `$project` exists after the token exchange",
        "`$project` was not on the index before the exchange, and now the index does not "
        "say whether it is ($problem). If the token is for another name, every upload "
        "would fail (and each file would be signed for nothing), so nothing was uploaded.\n"
        "Fix: re-run the job; the token exchange is safe to repeat.",
    ),
    Msg.NAME_ONE_NEW_PER_MINT: (
        "`$project` needs a pending publisher of its own",
        "`$filename` is for `$project`, which is not on the index. The token exchange "
        "created $created (through its pending publisher), and one exchange creates one "
        "project only: PyPI takes one pending publisher per workflow and environment at a "
        "time. Nothing was uploaded.\n"
        "Fix: now that $created exists, register a pending publisher for exactly "
        "`$project` ($pending_link), then re-run; with `skip-existing: true` if some "
        "files are up already.",
    ),
    Msg.NAME_NO_PENDING_PUBLISHER: (
        "No pending publisher created `$project`",
        "`$filename` is for `$project`, which is not on the index, and the token exchange "
        "did not create it: the token came from the trusted publisher of $existing (on "
        "the index already), or from a pending publisher registered under another name "
        "(which created *that* project, empty). Nothing was uploaded.\n"
        "Fix: register a pending publisher for exactly `$project` ($pending_link), then "
        "re-run. If you registered one under another name, delete the empty project it "
        "made (its settings on $index).",
    ),
    Msg.SEVERAL_NEW_PROJECTS: (
        "$count new projects in one run: $projects",
        "A trusted-publishing token exchange creates one project, through the pending "
        "publisher that matches this workflow; PyPI takes one pending publisher per "
        "workflow and environment at a time. So the first run creates one of them and "
        "stops before uploading; the next needs its own pending publisher, registered "
        "once the first exists.\n"
        "Fix: publish one project first (or register each pending publisher in turn, one "
        "run each), or create the projects from your account beforehand.",
    ),
    Msg.UPLOAD_NON_USER_IDENTITY: (
        "The token cannot create the project `$project`",
        "The index refused `$filename`: HTTP $status $reason\n"
        "The metadata name `$name` is not a project on the index, and a trusted "
        "publishing token can only create a project through a pending publisher "
        "registered for exactly that name. A pending publisher registered under a name "
        "other than `$project` created that other project instead.\n"
        "Fix, either:\n"
        "  1. change `name` in pyproject.toml to the name the publisher was registered "
        "for, rebuild and re-run; or\n"
        "  2. delete the project the pending publisher created, and register a pending "
        "publisher for exactly `$project` on $index.",
    ),
    Msg.FILE_EXISTS_DIFFERENT: (
        "`$filename` is on the index with other content",
        "The index already has a file named `$filename`, with a different sha256:\n"
        "  on the index: $remote\n  here:         $local\n"
        "The index never accepts changed content under a used file name, so nothing was "
        "uploaded.\n"
        "Fix: bump the version, rebuild and publish that. ($project)",
    ),
    Msg.FILE_SKIPPED_DIFFERENT: (
        "`$filename` is on the index with other content: skipped",
        "The index has a file named `$filename` with another sha256:\n"
        "  on the index: $remote\n"
        "  here:         $local\n"
        "With `skip-existing` it is skipped, as twine does: the index keeps its copy, and "
        "this run does not upload yours (a rebuild of an unchanged version, say, for a "
        "TestPyPI re-run). ($project)\n"
        "Fix: nothing, if the index's copy is the one you mean; to publish these bytes, bump "
        "the version.",
    ),
    Msg.FILE_SKIPPED_UNKNOWN: (
        "`$filename` is on the index: skipped",
        "The index lists `$filename` without a sha256, so whether it is this file cannot be "
        "known; with `skip-existing` it is skipped, and the index keeps its copy.\n"
        "Fix: nothing, unless you meant to publish new bytes: then bump the version.",
    ),
    Msg.SDIST_OTHER_ON_INDEX: (
        "Release $version of `$project` has an sdist on the index already",
        "The index has `$other` for this release, and it takes one sdist per release: it "
        'would refuse `$filename` ("Only one sdist may be uploaded per release.").\n'
        "Fix: keep the sdist that is there (set `skip-existing: true` to skip this one), or "
        "bump the version.",
    ),
    Msg.SDIST_OTHER_SKIPPED: (
        "Release $version of `$project` has an sdist on the index already: `$filename` skipped",
        'The index has `$other` for this release and takes one sdist per release ("Only one '
        'sdist may be uploaded per release."), so with `skip-existing` `$filename` is '
        "skipped, not sent to be refused.\n"
        "Fix: nothing, if `$other` is the sdist you mean; otherwise bump the version.",
    ),
    Msg.RELEASE_TOO_OLD: (
        "Release $version of `$project` is more than 14 days old",
        "Its first file reached the index on $first. PyPI refuses new files for releases "
        'older than 14 days ("Uploading new files to releases older than 14 days is not '
        'allowed."), so `$filename` cannot be added to it.\n'
        "Fix: publish a new version (for a missing wheel, a post-release such as "
        "$version.post1).",
    ),
    Msg.UPLOAD_EXISTS_SKIPPED: (
        "`$filename` was put on the index meanwhile: skipped",
        "The index answered HTTP $status $reason: it has a file of that name now (not at the "
        "pre-upload check). With `skip-existing` it is skipped, and the index keeps its copy."
        "\n"
        "Fix: nothing, if another job published it; otherwise find what uploaded it.",
    ),
    Msg.USER_WITHOUT_PASSWORD: (
        "Input `user` is `$user`, but no password is given",
        "A user name only goes with a `password` (an empty one means trusted publishing, "
        "which has no user). If the step passes `password: $${{ secrets.… }}`, that secret is"
        " empty or not set for this repository or environment.\n"
        "Fix: set the secret, or remove `user` to use trusted publishing.",
    ),
    Msg.TOKEN_NOT_PYPI: (
        "The password does not look like an API token for $index",
        "With `user: __token__`, the password must be an API token, which starts with "
        "`pypi-`; this one does not (a secret copied without its prefix, or the wrong "
        "secret).\n"
        "Fix: pass the whole token as `password`, or remove `password` to use trusted "
        "publishing.",
    ),
    Msg.TRUSTED_PUBLISHING_NUDGE: (
        "Upgrade to trusted publishing",
        "This run uploads to $index with an API token. Trusted publishing needs no long-lived"
        " secret: the job gets a short-lived token from its own OIDC identity.\n"
        "Fix: as an owner of the project, register this workflow as its trusted publisher "
        "(pre-filled):\n"
        "$links\n"
        "then give the job `permissions: id-token: write` and remove `password`.",
    ),
    Msg.FILE_EXISTS_UNKNOWN: (
        "`$filename` is on the index, with no sha256 to compare",
        "The index lists a file named `$filename` but gives no sha256 for it, so whether "
        "it is this file cannot be known before the upload; the index will decide.\n"
        "Fix: if the upload is refused as existing, bump the version, or set "
        "`skip-existing: true` if it is the same file.",
    ),
    Msg.INDEX_UNREADABLE: (
        "Could not check `$project` on the index",
        "$problem. The pre-upload checks of this project (does it exist, which files does "
        "it have) were skipped; the upload goes ahead and the index decides.\n"
        "Fix: nothing, unless the upload fails; then check `repository-url`.",
    ),
    Msg.FILE_EXISTS_SAME: (
        "`$filename` is already on the index",
        "The index already has `$filename` with the same sha256, so this release (or this "
        "file) was published before.\n"
        "Fix: set `skip-existing: true` to skip files that are already there (e.g. to "
        "finish a release that failed half way), or bump the version.",
    ),
    # --- upload ---------------------------------------------------------------------------
    Msg.UPLOAD_NOT_FOR_PROJECT: (
        "The token may not upload to `$project`",
        "The index refused `$filename`: HTTP $status $reason\n"
        "The project exists, but this run's trusted publisher is not one of its publishers.\n"
        "Fix: add the publisher on $settings (or check the project name in pyproject.toml).",
    ),
    Msg.UPLOAD_NOT_ALLOWED: (
        "The index does not let this token upload to `$project`",
        "The index refused `$filename`: HTTP $status $reason\n"
        "With trusted publishing this is what an archived or quarantined project answers "
        "(the token exchange works, the upload does not); with an API token, its account "
        "has no role on the project that allows uploads.\n"
        "Fix: see the project's settings on $index (unarchive it, or give the account "
        "the Maintainer or Owner role), then re-run.",
    ),
    Msg.UPLOAD_TOKEN_SCOPE: (
        "The API token may not upload to `$project`",
        "The index refused `$filename`: HTTP $status $reason\n"
        "The token given as `password` is scoped to other projects.\n"
        "Fix: make an API token for `$project` (or for all your projects) on $index and "
        "store it as the secret; or use trusted publishing (no password).",
    ),
    Msg.UPLOAD_EXISTS: (
        "`$filename` already exists on the index",
        "The index refused `$filename`: HTTP $status $reason\n"
        "Fix: bump the version and rebuild; with the same content, set `skip-existing: true`.",
    ),
    Msg.UPLOAD_BAD_TOKEN: (
        "The index rejected the minted token",
        "The index refused `$filename`: HTTP $status $reason\n"
        "Fix: re-run the job; if it persists, the index may have revoked the token.",
    ),
    Msg.UPLOAD_BAD_PASSWORD: (
        "The index rejected the password or API token",
        "The index refused `$filename`: HTTP $status $reason\n"
        "Fix: check the secret passed as `password` (an API token starts with `pypi-`), "
        "that it is scoped to `$project`, and that `user` is `__token__`.",
    ),
    Msg.UPLOAD_BAD_CREDENTIALS: (
        "The index rejected the user name or password",
        "The index refused `$filename` for the user `$user`: HTTP $status $reason\n"
        "Fix: check the `user` input and the secret passed as `password` (that account "
        "must exist on $index and may upload to `$project`).",
    ),
    Msg.UPLOAD_TOKEN_EXPIRED: (
        "The upload token expired",
        "The index refused `$filename`: HTTP $status $reason, even after a new token.\n"
        "Fix: re-run the job with `skip-existing: true` to finish the release.",
    ),
    Msg.UPLOAD_TRANSIENT: (
        "The index kept failing to take `$filename`",
        "Every try failed, the last with: $answer; the file is not on the index.\n"
        "Fix: the index is having trouble: wait, then re-run with `skip-existing: true` "
        "to upload what is missing.",
    ),
    Msg.UPLOAD_DISABLED: (
        "The index is not taking uploads right now",
        "The index refused `$filename`: HTTP $status $reason\n"
        "Fix: wait until the index takes uploads again (see its status page), then re-run "
        "with `skip-existing: true`.",
    ),
    Msg.UPLOAD_NAME_REUSED: (
        "The file name `$filename` was used before",
        "The index refused `$filename`: HTTP $status $reason\n"
        "A file of that name was uploaded once and deleted; the index never takes a name "
        "again.\n"
        "Fix: bump the version (or add a build tag to a wheel), rebuild and publish that.",
    ),
    Msg.UPLOAD_ATTESTATION_REFUSED: (
        "The index refused the attestation of `$filename`",
        "The index answered HTTP $status: $reason\n"
        "It checked the attestation before storing the file, and the file is not on the "
        "index. The attestation was checked here as the index checks it, so the two "
        "disagree on the signing identity or the trusted root. A reusable workflow is the "
        "usual cause (the index matches the certificate's Build Config URI, the top-level "
        "workflow, against the publisher's workflow file).\n"
        "Fix: publish from the top-level workflow registered as the trusted publisher, or "
        "set `attestations: false`; then re-run with `skip-existing: true`.",
    ),
    Msg.UPLOAD_UNCONFIRMED: (
        "Cannot tell whether `$filename` reached the index",
        "Its upload ended without a clear answer ($fault), and $why, so it was not sent "
        "again: it may be on the index.\n"
        "Fix: re-run the job with `skip-existing: true`: files on the index are skipped, "
        "the rest uploaded.",
    ),
    Msg.UNCONFIRMED_NO_ANSWER: ("the index could not be asked whether the file landed", ""),
    Msg.UNCONFIRMED_NO_DIGEST: (
        "the index lists a file of that name but gives no sha256 to tell whether it is this one",
        "",
    ),
    Msg.UPLOAD_NO_ENDPOINT: (
        "No upload endpoint at `repository-url`",
        "$url answered the upload of `$filename` with HTTP $status $reason: nothing there "
        "takes uploads.\n"
        "Fix: check `repository-url`. PyPI's is https://upload.pypi.org/legacy/, TestPyPI's "
        "https://test.pypi.org/legacy/; another index documents its own (often ending in "
        "`/legacy/`, or the repository's URL itself), and gets uploads at exactly the URL "
        "written, as with twine: a final `/` matters to some.",
    ),
    Msg.UPLOAD_REFUSED: (
        "The index refused `$filename`",
        "The index answered HTTP $status: $reason\n"
        "Fix: the index's reason, quoted here, names what it refused; correct that in "
        "the distribution, rebuild and re-run (with `skip-existing: true` if some files "
        "are up already).",
    ),
    # --- dry run (publisher check): one line per check -------------------------------
    Msg.CHECK_DIST: (
        "$filename",
        "$name $version ($kind)$hash",
    ),
    Msg.CHECK_IGNORED: (
        "Files that are not distributions were left out",
        "In $folder: $files",
    ),
    Msg.CHECK_PROJECT_EXISTS: (
        "Project `$project` exists on $index",
        "Uploads go to it when its trusted publishers include this workflow.",
    ),
    Msg.CHECK_PROJECT_MISSING: (
        "Project `$project` is not on $index yet",
        "The first publish can only create it through a pending publisher registered for "
        "exactly `$project` (case and `-`/`_`/`.` do not matter). A pending publisher under "
        "any other name than `$project` creates *that* project on the first run and the "
        "upload then fails. A pending publisher that no run uses within 30 days is "
        "deleted.\n"
        "Fix: register the pending publisher (pre-filled): $link",
    ),
    Msg.LOG_PROJECT_NEW: (
        "Project `$project` is not on $index yet",
        "The token exchange creates it, through a pending publisher registered for exactly "
        "`$project`; the name is checked again after the exchange.",
    ),
    Msg.CHECK_PROJECT_NEW: (
        "Project `$project` is not on $index yet",
        "The first upload with the password creates it.",
    ),
    Msg.CHECK_FILE_SKIPPED: (
        "`$filename` is on the index already",
        "Same sha256: skipped (skip-existing).",
    ),
    Msg.CHECK_OIDC: (
        "OIDC token available (audience `$audience`)",
        "By its claims, the trusted publisher must hold: owner `$owner` "
        "(id $owner_id), repository `$repository`, workflow `$workflow`, environment "
        "`$environment`. (Its subject, `$subject`, is not matched.)",
    ),
    Msg.CHECK_PASSWORD: (
        "A password (API token) is set: trusted publishing is not used",
        "The index checks it at upload (a dry run cannot).",
    ),
    Msg.CHECK_NO_WORKFLOW: (
        "No workflow uses the action",
        "None of the workflows in $folder$missing has a step that uses this action.\n"
        "Fix: name one with `--workflow PATH`, or add a publishing job, as in "
        "https://github.com/trusted-publish-action/trusted-publish-action#use-it-in-a-workflow",
    ),
    Msg.CHECK_NO_REMOTE: (
        "(No GitHub `origin` remote: owner and repository are yours to fill in.)",
        "",
    ),
    Msg.CHECK_FROM_ORIGIN: ("(owner and repository from the `origin` remote: $slug)", ""),
    Msg.CHECK_PUBLISHER_LINK: ("\nregister it (pre-filled): $link", ""),
    Msg.CHECK_PUBLISHER_LINK_PROJECT: (
        "\n`$project` is on the index already: add a trusted publisher to the project "
        "(pre-filled): $link",
        "",
    ),
    Msg.CHECK_PUBLISHER_LINK_MAYBE: (
        "\nif `$project` is on the index (it did not say), add a trusted publisher to the "
        "project (pre-filled): $link",
        "",
    ),
    Msg.CHECK_PUBLISHER_LINK_ELSE: (
        "\nfor a project not on the index yet, register a pending publisher (pre-filled): $link",
        "",
    ),
    Msg.CHECK_PUBLISHER_FIELDS: (
        "Publisher to register on $index for $workflow (job `$job`)",
        "owner: $owner\nrepository: $repository\nworkflow filename: $workflow\n"
        "environment: $environment\n$origin$link",
    ),
    Msg.CHECK_WORKFLOWS_ONLY: (
        "No distributions in $folder: the workflows alone are checked",
        "Build the dists first (e.g. `python -m build`) to check them and the index too.",
    ),
    Msg.CHECK_FOLDER: (
        "Distributions in $folder, checked against $index",
        "The workflows publish from several folders; $workflow job `$job` step $step "
        "publishes this one, and each is checked on its own.",
    ),
    Msg.CHECK_FOLDER_NO_DISTS: (
        "No distributions in $folder yet: they are not checked",
        "Build them first to check them and the index too.",
    ),
    Msg.CHECK_ANCHOR_STEP: (
        "$workflow job `$job` step $step uses `$uses`",
        "This action takes the same inputs and pre-validates everything before uploading.\n"
        "Fix: to move, change that one line to `uses: $replacement`.",
    ),
    Msg.CHECK_CONDITION_INVALID: (
        "$workflow job `$job`: GitHub cannot read the condition `$condition`",
        "$reason.\n"
        "Fix: correct the `if:` expression (GitHub refuses the workflow, or the action, "
        "as it is).",
    ),
    Msg.CHECK_CONDITION_ALWAYS: (
        "$workflow job `$job`: the condition `$condition` is always true",
        "Text around `$${{ }}` makes the `if:` a non-empty string, which is true whatever "
        "the expressions inside give.\n"
        "Fix: write the whole condition inside one `$${{ }}`, or leave `$${{ }}` out.",
    ),
    Msg.CHECK_OTHER_REPOSITORY: (
        "$workflow job `$job` publishes only when `$context` is `$named`",
        "The `origin` remote is `$origin`: here the publish never runs. A moved or renamed "
        "repository? Trusted publishers are registered for an owner and a repository name "
        "too.\n"
        "Fix: update the condition (and the publisher on the index) to the repository's "
        "current name, or run the check in a clone of `$named`.",
    ),
    Msg.CHECK_TRIGGER_MAYBE: (
        "$workflow job `$job` may publish on `$event`",
        "Whether it does depends on values known only when it runs (inputs, variables, "
        "the event's payload).\n"
        "Fix: if it must not, add `github.event_name != '$event'` to the job's `if:`.",
    ),
    Msg.CHECK_ID_TOKEN_FROM_CALLER: (
        "$workflow job `$job` gets an OIDC token only if its caller grants one",
        "It is a reusable workflow with no `permissions:` of its own, called from no "
        "workflow of this repository: it has what the calling job has.\n"
        "Fix: the calling job needs `permissions: id-token: write`.",
    ),
    Msg.CHECK_PASSWORD_FALLBACK: (
        "$workflow job `$job`: the password comes from `$source`, which is not required",
        "A caller that leaves it out passes an empty password, and the action then uses "
        "trusted publishing, from a reusable workflow, which PyPI does not support.\n"
        "Fix: declare it with `required: true` under `on: workflow_call:`.",
    ),
    Msg.CHECK_INDEX_EXPRESSION: (
        "$workflow job `$job` step $step: the index is known only at run time",
        "`$url` is an expression: the index it gives is not checked here.",
    ),
    Msg.CHECK_WORKFLOW_NO_JOB: (
        "$workflow has no job that uses the action",
        "Fix: check the `uses:` line of the publishing step.",
    ),
    Msg.CHECK_WORKFLOW_REUSABLE: (
        "$workflow is a reusable workflow (called from $callers)",
        "PyPI matches the publisher against the workflow file that runs the job, and "
        "reusable workflows are not supported except by accident "
        "(https://github.com/pypi/warehouse/issues/11096).\n"
        "Fix: publish from a job in the top-level workflow.",
    ),
    Msg.CHECK_WORKFLOW_CALLABLE: (
        "$workflow can also be called from another workflow",
        "No workflow of this repository calls it: run on its own triggers ($events), it is "
        "the top-level workflow and publishes as itself. Called from another workflow "
        "(`workflow_call`), PyPI would match the publisher against `$workflow`, which "
        "it supports from this repository only, by accident "
        "(https://github.com/pypi/warehouse/issues/11096), and it would refuse "
        "attestations.\n"
        "Fix: if nothing calls it, drop `workflow_call` from its `on:`.",
    ),
    Msg.CHECK_REUSABLE_ATTESTATIONS: (
        "$workflow job `$job` signs attestations from a reusable workflow (called from $callers)",
        "The token exchange matches the publisher against `$workflow`, the file that runs "
        "the job (and against no other), but the index checks each attestation's Build "
        "Config URI, which Sigstore takes from the top-level workflow ($callers): the "
        'uploads of step $step would be refused with "Invalid attestations supplied '
        'during upload" (pypa/gh-action-pypi-publish#283), and this action stops before '
        'the token exchange ("Attestations cannot work from a reusable workflow").\n'
        "Fix: publish from a job in the top-level workflow (the publisher then names that "
        "file), or set `attestations: false` on the step.",
    ),
    Msg.CHECK_TRIGGER_PRT: (
        "$workflow job `$job` publishes on `pull_request_target`",
        "PyPI refuses tokens from `pull_request_target` runs.\n"
        "Fix: publish only on `push` (tags), `release` or `workflow_dispatch`.",
    ),
    Msg.CHECK_TRIGGER_PR: (
        "$workflow job `$job` publishes on `pull_request`",
        "Runs for pull requests from forks get no OIDC token (nor secrets), whatever the "
        "permissions; a pull request from a branch of this repository would publish.\n"
        "Fix: publish on `push` (of tags, or of the default branch), `release` or "
        "`workflow_dispatch`, and skip the publishing job on pull requests "
        "(`if: github.event_name != 'pull_request'`).",
    ),
    Msg.CHECK_TRIGGER_PR_ONLY: (
        "$workflow job `$job` publishes on pull requests only",
        "It runs on no other trigger: releases are made by pull request, and each one "
        "from a branch of this repository that passes the job's conditions publishes. "
        "Those from forks get no OIDC token (nor secrets), whatever the permissions, and "
        "cannot publish.\n"
        "Fix: none if this is how releases are made; otherwise publish on `push` of "
        "tags, `release` or `workflow_dispatch`.",
    ),
    Msg.CHECK_NOT_LINUX: (
        "$workflow job `$job` runs on `$runner`",
        "GitHub runs container actions on Linux runners only; on `$runner` the step fails "
        "before the action starts.\n"
        "Fix: run the publishing job on `ubuntu-latest`; build on other systems in other "
        "jobs and pass the files on as artifacts.",
    ),
    Msg.CHECK_JOB_PASSWORD: (
        "$workflow job `$job` step $step passes a password",
        "It uploads to $index with an API token; trusted publishing is not used.",
    ),
    Msg.CHECK_ID_TOKEN: (
        "$workflow job `$job` gets an OIDC token",
        "`id-token: write` comes from $source.",
    ),
    Msg.CHECK_NO_ID_TOKEN: (
        "$workflow job `$job` gets no OIDC token",
        "Nothing grants `id-token: write` to it ($source); a job-level `permissions:` "
        "block replaces the workflow's.\n"
        "Fix: add to the job:\n    permissions:\n      id-token: write",
    ),
    Msg.CHECK_ENV_EXPRESSION: (
        "$workflow job `$job` computes its environment",
        "`$environment` is known only at run time; the publisher's environment must equal "
        "its value then (or be empty).\n"
        "Fix: register the publisher with the environment this expression gives for a "
        "release, or with none, which accepts any environment.",
    ),
    Msg.CHECK_ENV_IN_ENV: (
        "$workflow job `$job` step $step has its environment under `env:`",
        "`env:` with `name` and `url` sets two environment variables; an environment is "
        "the job's `environment:` key. The job has none, so its token names none, and "
        "only a publisher registered without an environment accepts it.\n"
        "Fix: move `name:` and `url:` under the job's `environment:` (and register the "
        "publisher with that name), or drop them.",
    ),
    Msg.WORKFLOW_UNREADABLE: (
        "Cannot read a workflow",
        "`$path` cannot be read as YAML: $reason.\n"
        "Fix: correct the file (GitHub would refuse it too) or name another with --workflow.",
    ),
    Msg.WORKFLOW_NOT_FOUND: (
        "Workflow `$path` not found",
        "No such file, here or in .github/workflows/.\n"
        "Fix: give `--workflow` the path of the publishing workflow, e.g. "
        "`--workflow .github/workflows/release.yml`.",
    ),
    Msg.CHECK_JOB_NOT_FOUND: (
        "No job `$job` in $workflows",
        "`--job` names a job id (the key under `jobs:`). The jobs that publish: $jobs.\n"
        "Fix: give one of those, or leave `--job` out to check them all.",
    ),
    Msg.CHECK_WORKFLOW_OUTSIDE: (
        "`$path` is not in .github/workflows/",
        "GitHub runs only the workflows in .github/workflows/, and PyPI matches the "
        "publisher against a file name there.\n"
        "Fix: move the workflow into .github/workflows/ (the file name stays `$name`).",
    ),
    # --- log lines, summaries and report words (not diagnoses) ---------------------
    Msg.LOG_RETRYING: ("$what: $fault", "try $attempt of $tries failed; trying again in $delay s"),
    Msg.LOG_REQUEST: ("$method $url -> $status $reason", "$body"),
    Msg.LOG_ANSWER_SECRET: ("    (the answer holds a token: not shown)", ""),
    Msg.LOG_NOTHING_TO_UPLOAD: ("Every file is on the index already: nothing to upload.", ""),
    Msg.LOG_SKIPPED: ("Skipped $filename (skip-existing): $why.", ""),
    Msg.SKIPPED_SAME: ("the index has it already, the same bytes", ""),
    Msg.SKIPPED_UNKNOWN: ("the index has a file of that name (it gives no sha256 to compare)", ""),
    Msg.SKIPPED_OTHER: ("the index keeps its own copy or sdist (see the warning above)", ""),
    Msg.LOG_RENEWAL_FAILED: (
        "Renewing the upload token failed, after $uploaded file(s) were uploaded",
        "The token exchange worked at the start of this run; the error below is about the "
        "new one. Something changed since (the publisher's settings, or the index).",
    ),
    Msg.LOG_RENEWING: ("The upload token is about to expire: minting a new one.", ""),
    Msg.LOG_TOKEN_EXPIRED: ("The index says the upload token expired: minting a new one.", ""),
    Msg.LOG_MINTED: ("Minted a short-lived upload token (masked in this log).", ""),
    Msg.LOG_BURNED: (
        "The upload token was burned: the index took the request to revoke it",
        "At the end of the run, the index took the burn request for each upload "
        "token this run minted ($count, renewals included); PyPI acknowledges a burn "
        "without saying more.",
    ),
    Msg.LOG_CANCELLED: (
        "The run was cancelled (signal $signal): stopping (an upload token it minted is "
        "burned first).",
        "",
    ),
    Msg.BURN_FAILED: (
        "The upload token could not be burned",
        "Revoking it at $url failed: $fault. The release is not affected; the token "
        "expires by itself at $expires.\n"
        "Fix: nothing to do; if this happens every time, check the index's status.",
    ),
    Msg.BURN_UNSUPPORTED: (
        "The index does not burn upload tokens",
        "$url answered HTTP $status: this index offers no way to revoke a "
        "trusted-publishing token early (PyPI does since 2026). The release is not "
        "affected; the token expires by itself at $expires.\n"
        "Fix: nothing to do.",
    ),
    Msg.LOG_UPLOADED: ("Uploaded $filename", ""),
    Msg.LOG_UPLOADED_ALL: ("Uploaded $count file(s) in $seconds s, $at_once.", ""),
    Msg.LOG_SIGNED_ALL: ("Signed $count file(s) in $seconds s, $at_once.", ""),
    Msg.AT_ONCE: ("up to $count at a time", ""),
    Msg.LOG_PHASES: ("Time taken: $phases.", ""),
    Msg.PHASE_CHECKS: ("checks", ""),
    Msg.PHASE_MINT: ("token", ""),
    Msg.PHASE_SIGN: ("signing", ""),
    Msg.PHASE_UPLOAD: ("upload", ""),
    # The log's folds, one a phase of the run, in the order the run goes through them.
    Msg.GROUP_CHECKS: ("Checks: the distributions, the credentials, the index", ""),
    Msg.GROUP_MINT: ("Trusted publishing: the token exchange and the name check", ""),
    Msg.GROUP_SIGN: ("Attestations: signing (PEP 740)", ""),
    Msg.GROUP_UPLOAD: ("Upload", ""),
    Msg.SUMMARY_ON_INDEX: ("What is on the index now", ""),
    Msg.LOG_RESULT: ("$filename: $result$link", ""),
    Msg.AT_ONCE_SLOWED: ("one at a time once the index asked for fewer requests", ""),
    Msg.LOG_UPLOAD_CONFIRMED: ("Uploaded $filename (confirmed on the index after: $reason)", ""),
    Msg.LOG_TRACEBACK: ("Traceback (shown with verbose):", "$traceback"),
    Msg.DOING_AUDIENCE: ("asking the index for its audience", ""),
    Msg.DOING_OIDC: ("requesting the OIDC token from GitHub", ""),
    Msg.DOING_MINT: ("exchanging the OIDC token at the index", ""),
    Msg.DOING_BURN: ("burning the upload token at the index", ""),
    Msg.DOING_MINT_AGAIN: (
        "exchanging the OIDC token at the index (a fresh OIDC token for each try)",
        "",
    ),
    Msg.DOING_LOOKUP: ("looking up $project on the index", ""),
    Msg.URL_PYPI_DEFAULT: (", or leave `repository-url` out: PyPI is the default", ""),
    Msg.NO_SUCH_FOLDER: (" (there is no such folder)", ""),
    Msg.QUOTE_CUT: ("… ($count more characters)", ""),
    Msg.URL_HAS_QUERY: (
        "it has a query or a fragment (not shown: either may hold a secret), which an "
        "upload URL never has",
        "",
    ),
    Msg.URL_BACKSLASH: (
        "it holds a backslash, which URL readers take differently (for one the host ends "
        "there, for another it goes on)",
        "",
    ),
    Msg.URL_UNREADABLE: (
        "it cannot be read as a URL (a port that is no number, a bracket left open)",
        "",
    ),
    Msg.URL_HOST_NOT_ASCII: (
        "its host is not ASCII: write it in its IDNA form (`xn--…`), as the index's "
        "certificate names it",
        "",
    ),
    Msg.URL_PARSERS_DIFFER: (
        "its host is read one way by the checks and another by the connection",
        "",
    ),
    Msg.DOING_SIGN: ("signing with $deployment", ""),
    Msg.AUDIENCE_NOT_A_NAME: (
        "it is not a name (printable characters without spaces, at most 256)",
        "",
    ),
    Msg.AUDIENCE_OTHER_SERVICE: ("it is the audience of $service", ""),
    Msg.AUDIENCE_PYPI_ONLY: (
        "it is PyPI's or TestPyPI's, which only $owners may ask for: PyPI would accept the "
        "token for this repository's trusted publishers",
        "",
    ),
    Msg.SIGSTORE_SERVICE: ("Sigstore service (in the trust config's signingConfig)", ""),
    Msg.TRUST_CONFIG_URL: (
        "its `signingConfig.$field[$position]` cannot be used: $problem (a Sigstore "
        "service gets the signing token: https only, plain http to this machine only)",
        "",
    ),
    Msg.FILE_OUTSIDE: ("it is a link to a file outside `$folder`", ""),
    Msg.FILE_NOT_REGULAR: ("it is not a regular file (a folder, a named pipe, a device)", ""),
    Msg.FILE_TOO_LARGE: ("it holds more than $limit bytes, which no such file does", ""),
    Msg.TRUST_CONFIG_UNUSABLE: (
        "sigstore-python cannot use it as a client trust config ($error)",
        "",
    ),
    Msg.DOING_UPLOAD: ("uploading $filename (the file is not on the index)", ""),
    Msg.DRY_RUN_FAILED: (
        "Dry run: publishing would fail",
        "Fix: read the report above: each `error` line says what would stop the publish "
        "and how to fix it.",
    ),
    Msg.SUMMARY_PUBLISHED: ("Published to $index", "$uploaded uploaded, $skipped skipped."),
    Msg.SUMMARY_SOME_LANDED: (
        "Some files reached the index and some did not. Once the cause is fixed, "
        "re-run with `skip-existing: true` to upload the rest.",
        "",
    ),
    Msg.SUMMARY_NONE_LANDED: ("Nothing was uploaded.", ""),
    Msg.SUMMARY_MAYBE_LANDED: (
        "Whether every file reached the index is not known (see above). Once the cause "
        "is fixed, re-run with `skip-existing: true`: files on the index are skipped, the "
        "rest uploaded.",
        "",
    ),
    Msg.SUMMARY_NO_DISTS: ("(no distribution was validated)", ""),
    Msg.RESULT_UPLOADED: ("uploaded", ""),
    Msg.RESULT_SKIPPED: ("already on the index (skipped)", ""),
    Msg.RESULT_SKIPPED_OTHER: ("skipped: the index keeps its own, other file", ""),
    Msg.RESULT_ON_INDEX: ("already on the index, not from this run", ""),
    Msg.RESULT_NOT_UPLOADED: ("not uploaded", ""),
    Msg.RESULT_UNCONFIRMED: ("may be on the index: its upload got no clear answer", ""),
    Msg.RESULT_REFUSED: ("not uploaded: refused by the checks (see above)", ""),
    Msg.VERDICT_OK: ("a real publish would succeed, as far as can be known", "OK: "),
    Msg.VERDICT_NOTHING: (
        "nothing to check that would stop a publish: no workflow step publishes with this "
        "action, and there are no distributions",
        "OK: ",
    ),
    Msg.ENDPOINT_AUDIENCE: ("the audience endpoint", ""),
    Msg.ENDPOINT_OIDC: ("GitHub's OIDC token endpoint", ""),
    Msg.ENDPOINT_MINT: ("the mint-token endpoint", ""),
    Msg.INDEX_PROBLEM_STATUS: ("GET $url answered HTTP $status", ""),
    Msg.INDEX_PROBLEM_PAGE: ("GET $url answered a page that is not a simple API page", ""),
    Msg.SOURCE_JOB: ("job `$job`'s permissions", ""),
    Msg.SOURCE_WORKFLOW: ("the workflow's permissions", ""),
    Msg.SOURCE_DEFAULTS: ("no permissions block (the defaults)", ""),
    Msg.SOURCE_CALLER: ("$source in the calling workflow $caller", ""),
    Msg.LOCATION_AT: ("at $location", ""),
    Msg.FOLDER_FOR: ("for the dists in $folder", ""),
    Msg.YAML_TOO_LARGE: ("larger than $limit bytes, which no workflow is", ""),
    Msg.YAML_TOO_LARGE_EXPANDED: ("its aliases expand to more than $limit values", ""),
    Msg.YAML_TOO_MANY_ALIASES: ("more than $limit aliases (`*name`)", ""),
    Msg.YAML_TOO_DEEP: ("nested more than $limit levels deep", ""),
    Msg.YAML_NOT_REGULAR: ("it is $kind, not a regular file", ""),
    Msg.YAML_NOT_UTF8: ("not UTF-8 (byte $byte)", ""),
    Msg.YAML_NOT_MAPPING: ("not a mapping", ""),
    Msg.YAML_KEY_NOT_TEXT: ("a key on line $line is not text", ""),
    Msg.YAML_SYNTAX: ("line $line, column $column: $problem", ""),
    Msg.UPLOAD_REDIRECTED: ("(a redirect to $location, not followed)", ""),
    Msg.VERDICT_FAILED: ("$count problem(s) would stop a real publish", "FAILED: "),
    Msg.VERDICT_CANCELLED: (
        "cancelled before every check was done; $count problem(s) found until then",
        "STOPPED: ",
    ),
}

# The claims a GitHub trusted publisher is matched on, in the order the index checks
# them: the field of the mint diagnoses that holds each, and its row's words.
CLAIMS = (
    ("owner", Msg.SUMMARY_CLAIM_OWNER),
    ("owner_id", Msg.SUMMARY_CLAIM_OWNER_ID),
    ("repository", Msg.SUMMARY_CLAIM_REPOSITORY),
    ("workflow_file", Msg.SUMMARY_CLAIM_WORKFLOW),
    ("environment", Msg.SUMMARY_CLAIM_ENVIRONMENT),
    ("ref", Msg.SUMMARY_CLAIM_REF),
    ("event", Msg.SUMMARY_CLAIM_EVENT),
    ("subject", Msg.SUMMARY_CLAIM_SUBJECT),
    ("more", Msg.SUMMARY_CLAIM_MORE),
)


def claim_row(key: Msg) -> tuple[str, str, str]:
    """A claim's name, what the publisher must hold, and the hint."""
    name, body = MESSAGES[key]
    must, hint = body.split("\n")
    return name, must, hint


def publisher_table() -> str:
    """The claims beside what the publisher must hold, for the log (a template: the
    claims' values are filled in with the message's)."""
    rows = [MESSAGES[Msg.SUMMARY_CLAIMS][0] + ":"]
    for field, key in CLAIMS:
        name, must, hint = claim_row(key)
        rows.append(f"  {name:<14} ${field}")
        rows.append(f"  {'':<14} the publisher: {must} ({hint})")
    return "\n".join(rows)


# The log's fold for each phase of a run.
GROUPS = {
    Msg.PHASE_CHECKS: Msg.GROUP_CHECKS,
    Msg.PHASE_MINT: Msg.GROUP_MINT,
    Msg.PHASE_SIGN: Msg.GROUP_SIGN,
    Msg.PHASE_UPLOAD: Msg.GROUP_UPLOAD,
}

# Where the index's own help explains a diagnosis (Warehouse's documentation; the
# pages are docs/user/trusted-publishers/*.md and docs/user/attestations/ there).
HELP_PAGES = "https://docs.pypi.org"
HELP: dict[Msg, tuple[Msg, str]] = {
    **dict.fromkeys(
        (
            Msg.MINT_INVALID_PUBLISHER,
            Msg.MINT_INVALID_PENDING_PUBLISHER,
            Msg.MINT_UNKNOWN_CODE,
            Msg.MINT_INVALID_TOKEN,
            Msg.MINT_INVALID_REUSE_TOKEN,
            Msg.MINT_UNKNOWN_ISSUER,
            Msg.MINT_NOT_ENABLED,
            Msg.MINT_INVALID_PAYLOAD,
            Msg.MINT_STATUS,
            Msg.TP_DISABLED,
            Msg.TP_UNSUPPORTED,
        ),
        (Msg.LINK_HELP_TROUBLESHOOTING, f"{HELP_PAGES}/trusted-publishers/troubleshooting/"),
    ),
    **dict.fromkeys(
        (
            Msg.NAME_MISMATCH_AFTER_MINT,
            Msg.NAME_NO_PENDING_PUBLISHER,
            Msg.NAME_ONE_NEW_PER_MINT,
            Msg.NAME_CHECK_UNANSWERED,
            Msg.MINT_PROJECT_REFUSED,
            Msg.MINT_REGISTRATION_DISABLED,
            Msg.UPLOAD_NON_USER_IDENTITY,
            Msg.SEVERAL_NEW_PROJECTS,
        ),
        (
            Msg.LINK_HELP_NEW_PROJECT,
            f"{HELP_PAGES}/trusted-publishers/creating-a-project-through-oidc/",
        ),
    ),
    **dict.fromkeys(
        (
            Msg.OIDC_NO_PERMISSION,
            Msg.OIDC_FORK_PR,
            Msg.OIDC_PULL_REQUEST_TARGET,
            Msg.OIDC_NOT_IN_ACTIONS,
        ),
        (Msg.LINK_HELP_USING, f"{HELP_PAGES}/trusted-publishers/using-a-publisher/"),
    ),
    Msg.UPLOAD_NOT_FOR_PROJECT: (
        Msg.LINK_HELP_ADDING,
        f"{HELP_PAGES}/trusted-publishers/adding-a-publisher/",
    ),
    **dict.fromkeys(
        (Msg.REUSABLE_WORKFLOW, Msg.ATTEST_REUSABLE),
        (Msg.LINK_HELP_REUSABLE, "https://github.com/pypi/warehouse/issues/11096"),
    ),
    **dict.fromkeys(
        (
            Msg.UPLOAD_ATTESTATION_REFUSED,
            Msg.ATTESTATION_INVALID,
            Msg.ATTESTATION_IDENTITY,
            Msg.ATTESTATION_SUBJECT,
        ),
        (Msg.LINK_HELP_ATTESTATIONS, f"{HELP_PAGES}/attestations/"),
    ),
}
# Diagnoses about the publisher the token must match: the summary shows the claims.
SHOWS_CLAIMS = {
    Msg.MINT_INVALID_PUBLISHER,
    Msg.MINT_INVALID_PENDING_PUBLISHER,
    Msg.MINT_UNKNOWN_CODE,
    Msg.NAME_MISMATCH_AFTER_MINT,
    Msg.NAME_NO_PENDING_PUBLISHER,
    Msg.UPLOAD_NOT_FOR_PROJECT,
    Msg.UPLOAD_NON_USER_IDENTITY,
}


class Text(str):
    """Text this action composed: rendered from the catalogue, with every outside value
    in it escaped. It is filled into other messages as it is; any other value is
    escaped first (see :func:`escape`). ``markdown`` is the same text for the step
    summary, when it has been rendered so (else it is shown as a code span there)."""

    markdown: str | None

    def __new__(cls, text: str, markdown: str | None = None) -> Self:
        made = super().__new__(cls, text)
        made.markdown = markdown
        return made


class Url(Text):
    """A link this action built (percent-encoded parts under the index's address): it
    goes into the log as it is, so that it stays a working link, and into the summary
    as a link named ``label`` (Markdown, ours), or as itself."""

    def __new__(cls, url: str, label: str | None = None) -> Self:
        return super().__new__(cls, url, md.link(label, url) if label else f"<{url}>")


# Characters that could start a line, move the cursor, recolour a terminal or hide text:
# C0 and C1 controls, DEL, line and paragraph separators, zero-width and bidi controls,
# and the surrogates that stand for bytes of a file name that are not UTF-8.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


# An outside value is quoted up to this many characters: an index's 3 MiB error text
# would otherwise fill the log and break the step summary (GitHub takes 1 MiB).
MAX_QUOTE = 2000


def _shown(path: PurePath) -> str:
    """A path as the user knows it: relative to the working directory (the workspace,
    in a job) when it is inside it, else whole."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if relative.startswith("..") else relative


def escape(value: object) -> str:
    """``value`` as text that is safe on one line of a log or terminal: control and
    invisible characters become visible escapes (``\\r``, ``\\x1b``, ``\\u202e``), and
    the text is cut after ``MAX_QUOTE`` characters. :class:`Text` is ours, and stays
    as it is."""
    if isinstance(value, Text):
        return value
    if isinstance(value, PurePath):
        value = _shown(value)
    text = _UNSAFE.sub(_visible, str(value))
    if len(text) > MAX_QUOTE:
        return text[:MAX_QUOTE] + phrase(Msg.QUOTE_CUT, count=len(text) - MAX_QUOTE)
    return text


def lines(values: Iterable[object], *, prefix: str = "", sep: str = "\n") -> Text:
    """Outside values, each escaped, one per line (``prefix`` before each); in the
    summary each is a code span (or a link, for one of ours), one per line."""
    values = list(values)
    return Text(
        sep.join(prefix + escape(v) for v in values),
        ("<br>" if "\n" in sep else sep).join(to_markdown(v) for v in values),
    )


def to_markdown(value: object) -> str:
    """A value for the step summary: our links as links, our composed text as its own
    Markdown, a number as itself, anything else (from outside) as a code span."""
    if isinstance(value, Text) and value.markdown is not None:
        return value.markdown
    if isinstance(value, int | float):
        return str(value)
    return md.code_span(escape(value))


# The template's own code spans: a value inside one is put in as plain text, and the
# whole span is made again with a fence the value cannot close.
_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def _fill_markdown(text: str, fields: Mapping[str, object]) -> str:
    plain = {**OPTIONAL, **{k: escape(v) for k, v in fields.items()}}
    rich = {**OPTIONAL, **{k: to_markdown(v) for k, v in fields.items()}}
    text = text.replace("$PUBLISHER_TABLE\n", "")  # a table of its own in the summary
    out, pos = [], 0
    for span in _SPAN.finditer(text):
        out.append(Template(text[pos : span.start()]).substitute(rich))
        out.append(md.code_span(Template(span.group(2)).substitute(plain)))
        pos = span.end()
    out.append(Template(text[pos:]).substitute(rich))
    return "".join(out)


def _fill(text: str, fields: Mapping[str, object], markdown: bool = False) -> Text:
    if markdown:
        return Text(_fill_markdown(text, fields))
    values = {**OPTIONAL, **{k: escape(v) for k, v in fields.items()}}
    if "$PUBLISHER_TABLE" in text:
        text = text.replace("$PUBLISHER_TABLE", publisher_table())
    return Text(Template(text).substitute(values))


def title(key: Msg, fields: Mapping[str, object], *, markdown: bool = False) -> Text:
    """The one-line title of message ``key``; ``markdown``: for the step summary."""
    return _fill(MESSAGES[key][0], fields, markdown)


def render(key: Msg, fields: Mapping[str, object], *, markdown: bool = False) -> Text:
    """The body of message ``key``, filled with ``fields``; ``markdown``: for the
    step summary."""
    return _fill(MESSAGES[key][1], fields, markdown)


def phrase(key: Msg, **fields: object) -> Text:
    """A message that is one phrase (its title), for use inside other messages."""
    return Text(title(key, fields), title(key, fields, markdown=True))

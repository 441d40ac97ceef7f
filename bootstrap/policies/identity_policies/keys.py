"""key-rotation: every KMS key of the stack rotates its key material (KMS rotates a symmetric
key yearly by default once enabled; docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from .documents import KEY


def key_rotation(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type == KEY and args.props.get("enableKeyRotation") is not True:
        report_violation(
            f"KMS key {args.name}: enableKeyRotation is {args.props.get('enableKeyRotation')!r}; "
            "allowed: true (its material rotates; old material still decrypts)",
            None,
        )

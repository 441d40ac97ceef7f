"""The bootstrap stack's components: each takes its frozen spec (specs.py), parents its
children to itself and registers its outputs. Type tokens `vital:bootstrap:<Type>`.

What holds state or keys is protected and retained (`protect`, `retain_on_delete`), each with
why beside it: a replacement of any of them is a delete, and the engine refuses to replace a
protected resource, so a change that would replace one stops the preview instead.
"""

from __future__ import annotations

from typing import ClassVar

import pulumi
import pulumi_aws as aws
import pulumi_github as github

from .specs import BucketSpec, KeySpec, OidcSpec, RoleSpec


class _Component(pulumi.ComponentResource):
    """Children are named `<component>-<suffix>` and parented to the component."""

    TOKEN: ClassVar[str]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(f"vital:bootstrap:{self.TOKEN}", name, None, opts)
        self.prefix = name

    def under(self, **options) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **options)


class StateKey(_Component):
    """A KMS key with rotation on, and its alias. Exposes `key`, `alias`, `arn`."""

    TOKEN = "StateKey"

    def __init__(self, name: str, spec: KeySpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        self.key = aws.kms.Key(
            f"{name}-key",
            description=spec.description,
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            # No key policy of ours: KMS's default policy lets the account's IAM policies decide
            # (the roles' grants), and keeps the account's administrators able to use the key.
            # protect: a delete (or a replacement: a new key) schedules the deletion of the key
            # that seals the state objects or a stack's secrets; once deleted, nobody can read
            # them. retain_on_delete: removing it from the program or destroying the stack leaves it.
            opts=self.under(protect=True, retain_on_delete=True, import_=spec.import_id),
        )
        self.alias = aws.kms.Alias(
            f"{name}-alias",
            name=spec.alias,
            target_key_id=self.key.key_id,
            # protect and retain: the stack files' secretsprovider URLs and every role's grant
            # (kms:ResourceAliases) name the key by this alias; without it nothing decrypts.
            opts=self.under(protect=True, retain_on_delete=True, import_=spec.alias if spec.import_id else None),
        )
        self.arn = self.key.arn
        self.register_outputs({"arn": self.arn, "alias": self.alias.name})


class StateBucket(_Component):
    """The bucket Pulumi's S3 backend keeps every stack's state in, and its settings."""

    TOKEN = "StateBucket"

    def __init__(
        self, name: str, spec: BucketSpec, key_arn: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, opts)
        adopt = spec.bucket if spec.adopt else None
        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=spec.bucket,
            force_destroy=False,
            # protect: it holds every stack's state; a replacement (a new name) would delete it.
            # retain_on_delete: destroying this stack must never empty or delete it.
            opts=self.under(protect=True, retain_on_delete=True, import_=adopt),
        )
        # The bucket's name as an output of it (known in a preview: it is an input), so every
        # setting depends on the bucket and names it.
        bucket = self.bucket.bucket
        # Public access is blocked before anything else is written to the bucket.
        self.public_access = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=bucket,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=self.under(import_=adopt),
        )
        self.ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket,
            # ACLs off: the bucket owner owns every object (the old bootstrap set nothing here:
            # created, never imported; PutBucketOwnershipControls overwrites).
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=self.under(depends_on=[self.public_access]),
        )
        self.versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=self.under(import_=adopt),
        )
        self.encryption = self._encryption(name, bucket, key_arn, adopt)
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket,
            policy=spec.policy,
            opts=self.under(import_=adopt, depends_on=[self.public_access]),
        )
        self.lifecycle = self._lifecycle(name, bucket, spec, adopt)
        self.name = bucket
        self.register_outputs({"name": bucket})

    def _encryption(
        self, name: str, bucket: pulumi.Output[str], key_arn: pulumi.Input[str], adopt: str | None
    ) -> aws.s3.BucketServerSideEncryptionConfiguration:
        """SSE-KMS with the state key, and S3 Bucket Keys (fewer KMS requests)."""
        return aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="aws:kms", kms_master_key_id=key_arn
                    ),
                    bucket_key_enabled=True,
                )
            ],
            opts=self.under(import_=adopt),
        )

    def _lifecycle(
        self, name: str, bucket: pulumi.Output[str], spec: BucketSpec, adopt: str | None
    ) -> aws.s3.BucketLifecycleConfiguration:
        """Old state versions expire; abandoned multipart uploads are cleaned up."""
        return aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id=spec.lifecycle_rule_id,
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=spec.noncurrent_days
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=spec.abort_multipart_days
                    ),
                )
            ],
            opts=self.under(import_=adopt, depends_on=[self.versioning]),
        )


class GitHubOidc(_Component):
    """IAM's OIDC provider for GitHub Actions. Exposes `provider` and `arn`."""

    TOKEN = "GitHubOidc"

    def __init__(self, name: str, spec: OidcSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        self.provider = aws.iam.OpenIdConnectProvider(
            f"{name}-provider",
            url=spec.url,
            client_id_lists=[spec.audience],
            # No thumbprint: IAM verifies GitHub's certificate against its own trusted CAs.
            # retain_on_delete: IAM holds one provider per URL per account, which other
            # projects' roles may trust too. delete_before_replace: for the same reason a
            # replacement cannot be created beside the old one.
            opts=self.under(retain_on_delete=True, delete_before_replace=True, import_=spec.import_id),
        )
        self.arn = self.provider.arn
        self.register_outputs({"arn": self.arn})


class SubjectTemplate(_Component):
    """The infrastructure repository's OIDC subject template (`repo`, `context`, `job_workflow_ref`),
    applied after every role trusts subjects of that shape (GitHub: "you should first create a
    matching condition in your cloud provider's OIDC configuration")."""

    TOKEN = "SubjectTemplate"

    def __init__(
        self, name: str, spec: OidcSpec, after: list[pulumi.Resource], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, opts)
        self.template = github.ActionsRepositoryOidcSubjectClaimCustomizationTemplate(
            f"{name}-template",
            repository=spec.repository_name,
            use_default=False,
            include_claim_keys=list(spec.claim_keys),
            opts=self.under(depends_on=after),
        )
        self.register_outputs({})


class CiRole(_Component):
    """One CI role with exactly one inline policy and no managed policy. Exposes `arn`."""

    TOKEN = "CiRole"

    def __init__(self, name: str, spec: RoleSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        # delete_before_replace: IAM names are unique, and a replacement keeps the name.
        self.role = aws.iam.Role(
            f"{name}-role",
            name=spec.name,
            description=spec.description,
            assume_role_policy=spec.trust,
            max_session_duration=3600,
            opts=self.under(delete_before_replace=True, import_=spec.name if spec.adopt else None),
        )
        self.policy = aws.iam.RolePolicy(
            f"{name}-policy",
            name=spec.policy_name,
            role=self.role.name,
            policy=spec.policy,
            opts=self.under(
                delete_before_replace=True, import_=f"{spec.name}:{spec.policy_name}" if spec.adopt else None
            ),
        )
        # Ours and nothing else: any other inline policy or attached managed policy is removed
        # on `up` and shows as drift in `preview --refresh`.
        aws.iam.RolePoliciesExclusive(
            f"{name}-inline-only", role_name=self.role.name, policy_names=[self.policy.name], opts=self.under()
        )
        aws.iam.RolePolicyAttachmentsExclusive(
            f"{name}-no-managed", role_name=self.role.name, policy_arns=[], opts=self.under()
        )
        self.arn = self.role.arn
        self.register_outputs({"arn": self.arn})

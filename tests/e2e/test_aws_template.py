"""deploy/aws/template.yaml: cfn-lint (the machine's, from the pyenv Python)
passes with no errors, a broken copy fails (so the lint really runs), and
the template has what issue 6 lists (bucket notification, stream mapping
settings, Cognito, alarms, least-privilege roles)."""

import os
import pathlib
import shutil
import subprocess

import pytest
import yaml

from conftest import _clean_env
from s3_support import _pyenv_bins

SOURCE_DIR = pathlib.Path(os.environ.get("INVTRACK_SOURCE_DIR")
                          or pathlib.Path(__file__).resolve().parents[2])
TEMPLATE = SOURCE_DIR / "deploy" / "aws" / "template.yaml"


def find_cfn_lint() -> str:
    for candidate in [shutil.which("cfn-lint"), *_pyenv_bins("cfn-lint")]:
        if candidate and os.access(candidate, os.X_OK):
            probe = subprocess.run([candidate, "--version"], capture_output=True, timeout=120,
                                   env=_clean_env())
            if probe.returncode == 0:
                return candidate
    pytest.skip("cfn-lint is not installed (pip install cfn-lint in the pyenv Python)")


def lint(path: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run([find_cfn_lint(), "--format", "parseable", str(path)],
                          capture_output=True, text=True, timeout=300, env=_clean_env())


class CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation's short tags (!Ref, !GetAtt, !Sub...) as {tag: value}."""


def _tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {suffix: value}


CfnLoader.add_multi_constructor("!", _tag)


def template() -> dict:
    return yaml.load(TEMPLATE.read_text(), Loader=CfnLoader)


def test_cfn_lint_passes_with_no_errors():
    result = lint(TEMPLATE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout


def test_cfn_lint_catches_a_broken_template(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(TEMPLATE.read_text().replace("Runtime: provided.al2023",
                                                   "Runtime: provided.al1999", 1))
    result = lint(broken)
    assert result.returncode != 0
    assert ":E" in result.stdout and "provided.al1999" in result.stdout, result.stdout


def test_template_has_what_the_issue_lists():
    resources = template()["Resources"]
    by_type = {}
    for name, resource in resources.items():
        by_type.setdefault(resource["Type"], []).append(name)

    bucket = resources["UploadBucket"]["Properties"]
    notification = bucket["NotificationConfiguration"]["LambdaConfigurations"][0]
    assert notification["Event"] == "s3:ObjectCreated:*"
    assert notification["Filter"]["S3Key"]["Rules"] == [{"Name": "suffix", "Value": ".csv"}]
    assert notification["Function"] == {"GetAtt": "LoadInventoryFunction.Arn"}

    table = resources["InventoryTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [{"AttributeName": "Store", "KeyType": "HASH"},
                                  {"AttributeName": "Item", "KeyType": "RANGE"}]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"

    mapping = resources["CheckStockStreamMapping"]["Properties"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert "MaximumRetryAttempts" in mapping and "BatchSize" in mapping
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == {
        "GetAtt": "CheckStockDeadLetters.Arn"}

    protocols = {resources[n]["Properties"]["Protocol"] for n in by_type["AWS::SNS::Subscription"]}
    assert {"email", "sms"} <= protocols

    for fn in ("LoadInventoryFunction", "CheckStockFunction"):
        props = resources[fn]["Properties"]
        assert props["Runtime"] == "provided.al2023" and props["Architectures"] == ["x86_64"]
    assert resources["LoadInventoryFunction"]["Properties"]["Handler"] == "load_inventory"
    assert resources["CheckStockFunction"]["Properties"]["Handler"] == "check_stock"

    # Least privilege: no wildcard actions, and each role only what its function does.
    def actions(role: str) -> set:
        out = set()
        for policy in resources[role]["Properties"]["Policies"]:
            for statement in policy["PolicyDocument"]["Statement"]:
                acts = statement["Action"]
                out.update([acts] if isinstance(acts, str) else acts)
        return out

    for role in ("LoadInventoryRole", "CheckStockRole", "DashboardReaderRole"):
        assert not any("*" in a for a in actions(role)), actions(role)
    assert "sns:Publish" not in actions("LoadInventoryRole")
    assert not any(a.startswith("s3:") for a in actions("CheckStockRole"))
    assert actions("DashboardReaderRole") <= {"dynamodb:DescribeTable", "dynamodb:GetItem",
                                              "dynamodb:Query", "dynamodb:Scan"}

    assert by_type["AWS::Cognito::UserPool"] and by_type["AWS::Cognito::IdentityPool"]
    identity = resources["DashboardIdentityPool"]["Properties"]
    assert identity["AllowUnauthenticatedIdentities"] is False
    alarms = [resources[n]["Properties"] for n in by_type["AWS::CloudWatch::Alarm"]]
    assert {a["MetricName"] for a in alarms} == {"Errors", "ApproximateNumberOfMessagesVisible"}
    assert len(alarms) == 4

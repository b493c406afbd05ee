"""
Behaviours the emulator patches restore, measured in moto itself (in process) with every patch in
tools/emulator-patches applied, as the emulator's server applies them. Prints one JSON object:
- rdsDefaultCa: the CA of a DB instance created without one;
- rdsChosenCa: the CA of a DB instance created with rds-ca-ecc384-g1.

Usage: python emulator_patch_check.py <tools/emulator-patches>
"""
import glob
import json
import os
import runpy
import sys

for patch in sorted(glob.glob(os.path.join(sys.argv[1], "*.py"))):
    runpy.run_path(patch)

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402


def created_ca(rds, name, **extra):
    instance = rds.create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t4g.micro",
        Engine="mysql",
        MasterUsername="ghost",
        MasterUserPassword="not-a-secret-1",
        AllocatedStorage=20,
        **extra,
    )["DBInstance"]
    return instance["CACertificateIdentifier"]


with mock_aws():
    rds = boto3.client("rds", region_name="eu-west-2", aws_access_key_id="test", aws_secret_access_key="test")
    print(
        json.dumps(
            {
                "rdsDefaultCa": created_ca(rds, "default-ca"),
                "rdsChosenCa": created_ca(rds, "chosen-ca", CACertificateIdentifier="rds-ca-ecc384-g1"),
            }
        )
    )

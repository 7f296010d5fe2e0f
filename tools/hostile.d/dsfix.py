# SPDX-License-Identifier: Apache-2.0
# Azure's ovf-env.xml with hostile values (issue 23 section 2): the Azure
# datasource reads it from the seed directory on a machine whose DMI names
# Azure; IMDS and the wireserver refuse at once (127.0.0.1:1). The custom data
# is the script that marks that the boot went on. Run by tools/gen-hostile
# with case() in scope.
import base64 as _b64

_AZ_IID = "0c7e1b2a-5d4f-4e3a-9b8c-1a2b3c4d5e6f"
_AZ_SETUP = [
    "rm -rf var/lib/cloud/seed/nocloud && mkdir -p sys/class/dmi/id var/lib/cloud/seed/azure",
    "echo 7783-7084-3265-9085-8269-3286-77 > sys/class/dmi/id/chassis_asset_tag && "
    "echo Microsoft Corporation > sys/class/dmi/id/sys_vendor && "
    "echo " + _AZ_IID + " > sys/class/dmi/id/product_uuid",
    "printf 'datasource_list: [Azure, None]\\ndatasource: {Azure: {metadata_urls: [\"http://127.0.0.1:1\"], "
    "wireserver: \"127.0.0.1:1\", timeout: 1, max_wait: 2, retries: 0}}\\n' > etc/cloud/cloud.cfg.d/90-azure.cfg",
]
_AZ_CUSTOM = _b64.b64encode(b"#!/bin/sh\necho ok > /var/tmp/vendor-ok\n").decode()


def _ovf(inner):
    xml = ('<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" '
           'xmlns:wa="http://schemas.microsoft.com/windowsazure"><wa:ProvisioningSection>'
           '<LinuxProvisioningConfigurationSet xmlns="http://schemas.microsoft.com/windowsazure">'
           + inner + '<CustomData>' + _AZ_CUSTOM + '</CustomData>'
           '</LinuxProvisioningConfigurationSet></wa:ProvisioningSection><wa:PlatformSettingsSection>'
           '<PlatformSettings xmlns="http://schemas.microsoft.com/windowsazure"/>'
           '</wa:PlatformSettingsSection></Environment>')
    assert "'" not in xml
    return _AZ_SETUP + ["printf '%s' '" + xml + "' > var/lib/cloud/seed/azure/ovf-env.xml"]


_AZ_BODY = "# the user-data is ovf-env.xml's CustomData; this seed is removed\n"

case("dsfix-ovf-hostname-newline", "ovf-env.xml HostName with a line break: never a line of /etc/hostname or /etc/hosts",
     _AZ_BODY, setup=_ovf("<HostName>evil&#10;injected.example</HostName>"),
     lacks=[("/etc/hostname", "injected"), ("/etc/hosts", "injected")])
case("dsfix-ovf-username-colon", "ovf-env.xml UserName with ':' fields: refused, no passwd line made of it",
     _AZ_BODY, setup=_ovf("<HostName>az1</HostName><UserName>hostile:0:0:root:/root:/bin/sh</UserName>"),
     expect=["UserName is not a valid user name"],
     lacks=[("/etc/passwd", "hostile:0:0")], files=[("/var/tmp/vendor-ok", "ok")])
case("dsfix-ovf-password-never-shown", "ovf-env.xml UserPassword: hashed for the default user, never in a log or state file",
     _AZ_BODY, setup=_ovf("<HostName>az1</HostName><UserName>azadmin</UserName>"
                          "<UserPassword>Hostile-Pw-1234</UserPassword>"),
     expect_not=["Hostile-Pw-1234"], expect_re=[],
     lacks=[("/etc/shadow", "Hostile-Pw-1234"),
            ("/var/lib/cloud/instances/" + _AZ_IID + "/vendor-data.txt", "Hostile-Pw-1234"),
            ("/run/cloud-init/instance-data-sensitive.json", "Hostile-Pw-1234"),
            ("/var/log/cloud-init.log", "Hostile-Pw-1234")],
     modes=[("/var/lib/cloud/instances/" + _AZ_IID + "/vendor-data.txt", "600")])
case("dsfix-ovf-password-separators", "ovf-env.xml UserPassword with ':' and a line break: only its hash reaches /etc/shadow",
     _AZ_BODY, setup=_ovf("<HostName>az1</HostName><UserName>azadmin</UserName>"
                          "<UserPassword>a:b&#10;root::0:</UserPassword>"),
     lacks=[("/etc/shadow", "root::0:"), ("/etc/shadow", "a:b")])
case("dsfix-ovf-key-newline", "ovf-env.xml PublicKey Value with a line break: left out, no second authorized_keys line",
     _AZ_BODY, setup=_ovf("<HostName>az1</HostName><UserName>azadmin</UserName><SSH><PublicKeys><PublicKey>"
                          "<Value>ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostileKey k1&#10;"
                          "command=\"touch /hostile-escape\" ssh-rsa AAAAB3Nza</Value>"
                          "</PublicKey></PublicKeys></SSH>"),
     lacks=[("/home/azadmin/.ssh/authorized_keys", "command="), ("/root/.ssh/authorized_keys", "command=")])
case("dsfix-ovf-entity-bomb", "ovf-env.xml with a DTD (an entity expansion): refused before any expansion, reported; no datasource runs a script, so setup sets the went-on marker",
     _AZ_BODY, setup=_AZ_SETUP + [
         "printf '%s' '<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><x>&b;</x>' "
         "> var/lib/cloud/seed/azure/ovf-env.xml",
         "mkdir -p var/tmp && echo ok > var/tmp/vendor-ok"],
     expect=["a document type declaration is not accepted"])

package main

import (
	"context"
	"strings"

	"github.com/minio/madmin-go"
)

// configChecks: config-kv reports the one setting Cairn has in MinIO's form, refuses changes it
// cannot make while running (with MinIO's config error and where the setting comes from), and
// answers MinIO's unknown sub-system error for the rest.
func configChecks(ctx context.Context, adm *madmin.AdminClient) {
	check("GetConfigKV site (encrypted reply)", func() error {
		kv, err := adm.GetConfigKV(ctx, "site")
		if err != nil {
			return err
		}
		return expect(strings.TrimSpace(string(kv)) == "site region=us-east-1", "config %q", kv)
	}())
	check("GetConfigKV of a subsystem Cairn lacks", adminCode(func() error {
		_, err := adm.GetConfigKV(ctx, "notify_webhook")
		return err
	}(), "XMinioConfigError"))
	check("SetConfigKV region is refused: it is read at start", func() error {
		_, err := adm.SetConfigKV(ctx, "region name=eu-west-1")
		if err := adminCode(err, "XMinioConfigError"); err != nil {
			return err
		}
		return expect(strings.Contains(err.Error(), "MINIO_SITE_REGION") &&
			strings.Contains(err.Error(), "restart"), "message %q", err)
	}())
	check("the refused SetConfigKV changed nothing", func() error {
		kv, err := adm.GetConfigKV(ctx, "region")
		if err != nil {
			return err
		}
		return expect(strings.TrimSpace(string(kv)) == "region name=us-east-1", "config %q", kv)
	}())
	check("SetConfigKV of an unknown subsystem", adminCode(func() error {
		_, err := adm.SetConfigKV(ctx, "notify_webhook:1 endpoint=http://127.0.0.1:1")
		return err
	}(), "XMinioConfigError"))
	check("DelConfigKV site is refused", adminCode(func() error {
		_, err := adm.DelConfigKV(ctx, "site")
		return err
	}(), "XMinioConfigError"))
	check("HelpConfigKV region (madmin.Help, no unknown fields)", func() error {
		help, err := adm.HelpConfigKV(ctx, "region", "", false)
		if err != nil {
			return err
		}
		return expect(help.SubSys == "region" && len(help.KeysHelp) == 1 &&
			help.KeysHelp[0].Key == "name" && help.KeysHelp[0].Description != "", "help %+v", help)
	}())
	check("HelpConfigKV lists the subsystems", func() error {
		help, err := adm.HelpConfigKV(ctx, "", "", false)
		if err != nil {
			return err
		}
		return expect(strings.Join(help.Keys(), ",") == "region,site", "help %+v", help)
	}())
	bobAdm, err := madmin.New(*endpoint, "bob", "bob-secret-123", false)
	must("madmin.New bob", err)
	check("a non-admin may not read the configuration", adminCode(func() error {
		_, err := bobAdm.GetConfigKV(ctx, "region")
		return err
	}(), "AccessDenied"))
}

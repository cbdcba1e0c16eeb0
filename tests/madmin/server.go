package main

import (
	"context"

	"github.com/minio/madmin-go"
)

// serverChecks: the server-information calls (ServerInfo, StorageInfo, DataUsageInfo) once
// Cairn serves them; until then they must be refused loudly, never answered with an empty 200.
func serverChecks(ctx context.Context, adm *madmin.AdminClient) {
	check("ServerInfo is refused as not implemented", adminCode(func() error {
		_, err := adm.ServerInfo(ctx)
		return err
	}(), "NotImplemented"))
}

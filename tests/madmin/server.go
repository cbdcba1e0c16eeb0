package main

import (
	"context"
	"fmt"

	"github.com/minio/madmin-go"
	"github.com/minio/minio-go/v7"
)

// serverChecks: ServerInfo, StorageInfo and DataUsageInfo report the real drive and the real
// counts, and follow the store when an object is added.
func serverChecks(ctx context.Context, adm *madmin.AdminClient, root *minio.Client, dataDir string) {
	var before madmin.DataUsageInfo
	check("DataUsageInfo counts the buckets and objects", func() error {
		usage, err := adm.DataUsageInfo(ctx)
		if err != nil {
			return err
		}
		before = usage
		b, ok := usage.BucketsUsage["madmin-it"]
		if !ok {
			return fmt.Errorf("madmin-it missing from %+v", usage.BucketsUsage)
		}
		return expect(usage.BucketsCount == 1 && usage.ObjectsTotalCount == 1 &&
			b.ObjectsCount == 1 && b.Size == uint64(len("hello madmin")) &&
			usage.BucketSizes["madmin-it"] == b.Size && !usage.LastUpdate.IsZero(),
			"usage %+v", usage)
	}())
	check("DataUsageInfo follows the store", func() error {
		if err := putObject(root, "madmin-it", "more.bin", make([]byte, 1000)); err != nil {
			return err
		}
		usage, err := adm.DataUsageInfo(ctx)
		if err != nil {
			return err
		}
		return expect(usage.ObjectsTotalCount == before.ObjectsTotalCount+1 &&
			usage.ObjectsTotalSize == before.ObjectsTotalSize+1000, "usage %+v", usage)
	}())
	check("ServerInfo reports the drive, counts and version", func() error {
		info, err := adm.ServerInfo(ctx)
		if err != nil {
			return err
		}
		if info.Mode != "online" || info.Region != "us-east-1" || info.Buckets.Count != 1 ||
			info.Objects.Count != 2 || info.Usage.Size != uint64(len("hello madmin"))+1000 {
			return fmt.Errorf("info %+v", info)
		}
		if info.BackendType() != madmin.Erasure || len(info.Servers) != 1 {
			return fmt.Errorf("backend %+v, %d servers", info.Backend, len(info.Servers))
		}
		s := info.Servers[0]
		if s.State != "online" || s.Version == "" || len(s.Disks) != 1 {
			return fmt.Errorf("server %+v", s)
		}
		d := s.Disks[0]
		return expect(d.DrivePath == dataDir && d.TotalSpace > 0 &&
			d.UsedSpace+d.AvailableSpace == d.TotalSpace, "drive %+v", d)
	}())
	check("StorageInfo reports the drive", func() error {
		info, err := adm.StorageInfo(ctx)
		if err != nil {
			return err
		}
		return expect(len(info.Disks) == 1 && info.Disks[0].DrivePath == dataDir &&
			info.Disks[0].TotalSpace > 0 && info.Backend.Type == madmin.Erasure &&
			info.Backend.OnlineDisks.Sum() == 1, "storage %+v", info)
	}())
}

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/minio/madmin-go"
	"github.com/minio/minio-go/v7"
)

// The set mode (run.sh's second server, 4 drives EC:2): madmin's ServerInfo, StorageInfo and
// DataUsageInfo report the set's drives and counts once, and Heal rebuilds missing shards
// (normal scan) and rotten ones (deep scan), reporting them as MinIO does.

const healBucket = "madmin-heal"

// shardFiles: shard file name → path on one drive (<drive>/.cairn/shards/*/*).
func shardFiles(drive string) map[string]string {
	out := map[string]string{}
	matches, _ := filepath.Glob(filepath.Join(drive, ".cairn", "shards", "*", "*"))
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.Mode().IsRegular() {
			out[filepath.Base(m)] = m
		}
	}
	return out
}

func names(files map[string]string) []string {
	out := make([]string, 0, len(files))
	for n := range files {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func body(size int, seed byte) []byte {
	out := make([]byte, 0, size+32)
	for i := 0; len(out) < size; i++ {
		sum := sha256.Sum256([]byte{seed, byte(i), byte(i >> 8), byte(i >> 16)})
		out = append(out, sum[:]...)
	}
	return out[:size]
}

// heal runs one heal through madmin as mc does: start, then poll with the token until finished.
func heal(ctx context.Context, adm *madmin.AdminClient, bucket string, mode madmin.HealScanMode) (madmin.HealTaskStatus, error) {
	opts := madmin.HealOpts{Recursive: true, ScanMode: mode}
	start, _, err := adm.Heal(ctx, bucket, "", opts, "", false, false)
	if err != nil {
		return madmin.HealTaskStatus{}, err
	}
	if start.ClientToken == "" || start.StartTime.IsZero() {
		return madmin.HealTaskStatus{}, fmt.Errorf("start %+v", start)
	}
	for i := 0; i < 100; i++ {
		_, status, err := adm.Heal(ctx, bucket, "", opts, start.ClientToken, false, false)
		if err != nil {
			return status, err
		}
		if status.Summary == "finished" {
			return status, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return madmin.HealTaskStatus{}, fmt.Errorf("the heal did not finish")
}

// itemFor: the heal result for one object, or nil.
func itemFor(status madmin.HealTaskStatus, key string) *madmin.HealResultItem {
	for i := range status.Items {
		if status.Items[i].Bucket == healBucket && status.Items[i].Object == key {
			return &status.Items[i]
		}
	}
	return nil
}

func setChecks(ctx context.Context, adm *madmin.AdminClient, root *minio.Client, drives []string) {
	must("make bucket", root.MakeBucket(ctx, healBucket, minio.MakeBucketOptions{}))
	objects := map[string][]byte{"inline-1k": body(1024, 1), "coded-300k": body(300<<10, 2),
		"coded-1m1": body((1<<20)+1, 3)}
	shardOf := map[string]string{} // object → its shard file name (coded ones)
	for _, key := range []string{"inline-1k", "coded-300k", "coded-1m1"} {
		before := shardFiles(drives[0])
		must("put "+key, putObject(root, healBucket, key, objects[key]))
		for n := range shardFiles(drives[0]) {
			if _, old := before[n]; !old {
				shardOf[key] = n
			}
		}
	}

	check("ServerInfo reports the set's four drives", func() error {
		info, err := adm.ServerInfo(ctx)
		if err != nil {
			return err
		}
		if len(info.Servers) != 1 || len(info.Servers[0].Disks) != 4 {
			return fmt.Errorf("servers %+v", info.Servers)
		}
		seen := map[string]bool{}
		for _, d := range info.Servers[0].Disks {
			if d.State != "ok" || d.TotalSpace == 0 {
				return fmt.Errorf("drive %+v", d)
			}
			seen[d.DrivePath] = true
		}
		for _, d := range drives {
			if !seen[d] {
				return fmt.Errorf("drive %s not reported: %+v", d, info.Servers[0].Disks)
			}
		}
		backend, ok := info.Backend.(map[string]interface{})
		if !ok || fmt.Sprint(backend["standardSCParity"]) != "2" ||
			fmt.Sprint(backend["onlineDisks"]) != "4" || fmt.Sprint(backend["offlineDisks"]) != "0" {
			return fmt.Errorf("backend %+v", info.Backend)
		}
		return expect(info.Objects.Count == 3 && info.Buckets.Count == 1, "counts %+v %+v",
			info.Objects, info.Buckets)
	}())
	check("StorageInfo: four drives online, EC:2", func() error {
		info, err := adm.StorageInfo(ctx)
		if err != nil {
			return err
		}
		return expect(len(info.Disks) == 4 && info.Backend.OnlineDisks.Sum() == 4 &&
			info.Backend.OfflineDisks.Sum() == 0 && info.Backend.StandardSCParity == 2 &&
			len(info.Backend.StandardSCData) == 1 && info.Backend.StandardSCData[0] == 2,
			"storage %+v", info)
	}())
	check("DataUsageInfo counts each object once, not per drive", func() error {
		usage, err := adm.DataUsageInfo(ctx)
		if err != nil {
			return err
		}
		var size uint64
		for _, b := range objects {
			size += uint64(len(b))
		}
		return expect(usage.ObjectsTotalCount == 3 && usage.ObjectsTotalSize == size &&
			usage.BucketsUsage[healBucket].ObjectsCount == 3, "usage %+v", usage)
	}())

	check("a healthy set heals nothing", func() error {
		status, err := heal(ctx, adm, healBucket, madmin.HealNormalScan)
		if err != nil {
			return err
		}
		return expect(len(status.Items) == 0 && status.HealSettings.Recursive, "status %+v", status)
	}())

	// Drive 3 loses every shard file (its format record and metadata stay).
	lost := shardFiles(drives[2])
	for _, p := range lost {
		must("remove a shard", os.Remove(p))
	}
	check("a normal heal rebuilds the shards drive 3 lost and says so", func() error {
		if len(lost) != 2 {
			return fmt.Errorf("drive 3 held %d shard files, want 2 (the coded objects)", len(lost))
		}
		status, err := heal(ctx, adm, healBucket, madmin.HealNormalScan)
		if err != nil {
			return err
		}
		for _, key := range []string{"coded-300k", "coded-1m1"} {
			item := itemFor(status, key)
			if item == nil {
				return fmt.Errorf("%s not in the items %+v", key, status.Items)
			}
			if item.Type != madmin.HealItemObject || item.DiskCount != 4 || item.ParityBlocks != 2 ||
				item.DataBlocks != 2 || item.ObjectSize != int64(len(objects[key])) {
				return fmt.Errorf("item %+v", item)
			}
			if b, a := item.GetMissingCounts(); b != 1 || a != 0 {
				return fmt.Errorf("%s: missing before %d after %d (%+v)", key, b, a, item.Before)
			}
			if b, a := item.GetOnlineCounts(); b != 3 || a != 4 {
				return fmt.Errorf("%s: ok before %d after %d", key, b, a)
			}
			if item.Before.Drives[2].State != madmin.DriveStateMissing ||
				item.Before.Drives[2].Endpoint != drives[2] {
				return fmt.Errorf("%s: drive 3 before %+v", key, item.Before.Drives[2])
			}
		}
		if itemFor(status, "inline-1k") != nil {
			return fmt.Errorf("the inline object has no shards to heal: %+v", status.Items)
		}
		if got, want := names(shardFiles(drives[2])), names(shardFiles(drives[0])); strings.Join(got, ",") != strings.Join(want, ",") {
			return fmt.Errorf("drive 3 holds %v after the heal, drive 1 %v", got, want)
		}
		for key, want := range objects {
			got, err := getObject(root, healBucket, key)
			if err != nil {
				return err
			}
			if !bytes.Equal(got, want) {
				return fmt.Errorf("%s reads back different bytes", key)
			}
		}
		return nil
	}())

	// Rot: a few bytes flipped in the middle of one coded object's shard on drive 2.
	rotten := shardFiles(drives[1])[shardOf["coded-1m1"]]
	original, err := os.ReadFile(rotten)
	must("read a shard", err)
	damaged := append([]byte(nil), original...)
	for i := len(damaged) / 2; i < len(damaged)/2+8; i++ {
		damaged[i] ^= 0x5a
	}
	must("damage a shard", os.WriteFile(rotten, damaged, 0o644))
	check("a normal heal does not see rot; a deep one rewrites it", func() error {
		status, err := heal(ctx, adm, healBucket, madmin.HealNormalScan)
		if err != nil {
			return err
		}
		if item := itemFor(status, "coded-1m1"); item != nil {
			return fmt.Errorf("the normal scan reported %+v", item)
		}
		status, err = heal(ctx, adm, healBucket, madmin.HealDeepScan)
		if err != nil {
			return err
		}
		item := itemFor(status, "coded-1m1")
		if item == nil {
			return fmt.Errorf("the deep scan did not report it: %+v", status.Items)
		}
		if b, a := item.GetCorruptedCounts(); b != 1 || a != 0 {
			return fmt.Errorf("corrupt before %d after %d (%+v)", b, a, item.Before)
		}
		if item.Before.Drives[1].State != madmin.DriveStateCorrupt {
			return fmt.Errorf("drive 2 before %+v", item.Before.Drives[1])
		}
		if status.HealSettings.ScanMode != madmin.HealDeepScan {
			return fmt.Errorf("settings %+v", status.HealSettings)
		}
		now, err := os.ReadFile(rotten)
		if err != nil {
			return err
		}
		return expect(bytes.Equal(now, original), "the rotten shard was not rewritten as it was")
	}())

	// Drive 3 loses its shards again: a dry run must be refused and must leave them missing.
	lostAgain := shardFiles(drives[2])
	for _, p := range lostAgain {
		must("remove a shard", os.Remove(p))
	}
	check("a dry run, remove or recreate is refused and heals nothing", func() error {
		for _, opts := range []madmin.HealOpts{
			{Recursive: true, DryRun: true}, {Recursive: true, Remove: true}, {Recursive: true, Recreate: true},
		} {
			_, _, err := adm.Heal(ctx, healBucket, "", opts, "", false, false)
			if e := adminCode(err, "XMinioHealNotImplemented"); e != nil {
				return fmt.Errorf("opts %+v: %v", opts, e)
			}
		}
		return expect(len(lostAgain) > 0 && len(shardFiles(drives[2])) == 0, "a refused heal rebuilt shards (%d lost)", len(lostAgain))
	}())
	check("a real heal after the refusals rebuilds them", func() error {
		if _, err := heal(ctx, adm, healBucket, madmin.HealNormalScan); err != nil {
			return err
		}
		return expect(len(shardFiles(drives[2])) == len(lostAgain), "drive 3 holds %d shard files, want %d",
			len(shardFiles(drives[2])), len(lostAgain))
	}())

	check("a poll with an unknown token is XMinioHealNoSuchProcess", func() error {
		_, _, err := adm.Heal(ctx, healBucket, "", madmin.HealOpts{}, "0123456789abcdef", false, false)
		return adminCode(err, "XMinioHealNoSuchProcess")
	}())
	check("a readwrite user cannot heal", func() error {
		must("add user", adm.AddUser(ctx, "healer", "healer-secret-1"))
		must("policy", adm.SetPolicy(ctx, "readwrite", "healer", false))
		userAdm, err := madmin.New(*endpoint, "healer", "healer-secret-1", false)
		if err != nil {
			return err
		}
		_, _, err = userAdm.Heal(ctx, healBucket, "", madmin.HealOpts{Recursive: true}, "", false, false)
		return adminCode(err, "AccessDenied")
	}())
}

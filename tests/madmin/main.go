// The madmin-go check of Cairn's MinIO admin API (/minio/admin/v3/, issue 18): drives every call
// Cairn serves with Debian's madmin-go 2.0.7 against a running server, and checks the effects
// with minio-go v7 S3 requests (a new user can sign, a disabled one cannot, a group's policy
// applies to its members, a service account is held to its inline policy, and an update of it
// holds from the next request: off, a new secret, a new policy), and ServiceTrace streams the
// server's S3 calls. Started by run.sh;
// built in GOPATH mode from Debian's packages only (no module download).
//
// Usage: madmin-check -endpoint 127.0.0.1:PORT -access ROOT -secret ROOTSECRET -data DIR
//
//	madmin-check -mode set -endpoint ... -access ... -secret ... -drives D1,D2,D3,D4
//
// (the second: a server over four drives, heal.go)
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/minio/madmin-go"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

var (
	endpoint = flag.String("endpoint", "", "host:port of the Cairn server")
	rootUser = flag.String("access", "", "root access key")
	rootPass = flag.String("secret", "", "root secret key")
	dataDir  = flag.String("data", "", "the server's data folder")
	mode     = flag.String("mode", "one", "one: a one-drive server; set: an erasure set (-drives)")
	drives   = flag.String("drives", "", "the set's drive folders, comma-separated (-mode set)")
	failures = 0
	checks   = 0
)

func check(name string, err error) {
	checks++
	if err != nil {
		failures++
		fmt.Printf("FAIL %s: %v\n", name, err)
		return
	}
	fmt.Printf("ok   %s\n", name)
}

func expect(cond bool, format string, args ...interface{}) error {
	if cond {
		return nil
	}
	return fmt.Errorf(format, args...)
}

func must(what string, err error) {
	if err != nil {
		fmt.Printf("FAIL %s: %v\n", what, err)
		os.Exit(1)
	}
}

func s3Client(access, secret string) *minio.Client {
	c, err := minio.New(*endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(access, secret, ""),
		Secure: false,
		Region: "us-east-1",
	})
	must("minio.New", err)
	return c
}

func getObject(c *minio.Client, bucket, key string) ([]byte, error) {
	obj, err := c.GetObject(context.Background(), bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	return io.ReadAll(obj)
}

func putObject(c *minio.Client, bucket, key string, data []byte) error {
	_, err := c.PutObject(context.Background(), bucket, key, bytes.NewReader(data),
		int64(len(data)), minio.PutObjectOptions{})
	return err
}

// accessDenied: the S3 error a refused request must carry.
func accessDenied(err error) error {
	if err == nil {
		return errors.New("the request was allowed")
	}
	code := minio.ToErrorResponse(err).Code
	if code != "AccessDenied" && code != "InvalidAccessKeyId" {
		return fmt.Errorf("want AccessDenied or InvalidAccessKeyId, got %q (%v)", code, err)
	}
	return nil
}

func adminCode(err error, want string) error {
	if err == nil {
		return fmt.Errorf("want error %s, the call succeeded", want)
	}
	if got := madmin.ToErrorResponse(err).Code; got != want {
		return fmt.Errorf("want error %s, got %q (%v)", want, got, err)
	}
	return nil
}

const readBucketPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::madmin-it","arn:aws:s3:::madmin-it/*"]}]}`

const listOnlyPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
"Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::madmin-it"]}]}`

func main() {
	flag.Parse()
	set := *mode == "set"
	if *endpoint == "" || *rootUser == "" || *rootPass == "" || (!set && *dataDir == "") ||
		(set && *drives == "") {
		fmt.Println("usage: madmin-check -endpoint HOST:PORT -access AK -secret SK -data DIR\n" +
			"       madmin-check -mode set -endpoint HOST:PORT -access AK -secret SK -drives D1,D2,...")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	adm, err := madmin.New(*endpoint, *rootUser, *rootPass, false)
	must("madmin.New", err)
	root := s3Client(*rootUser, *rootPass)
	if set {
		setChecks(ctx, adm, root, strings.Split(*drives, ","))
		fmt.Printf("%d checks, %d failed\n", checks, failures)
		if failures > 0 {
			os.Exit(1)
		}
		return
	}
	must("make bucket", root.MakeBucket(ctx, "madmin-it", minio.MakeBucketOptions{}))
	must("put object", putObject(root, "madmin-it", "hello.txt", []byte("hello madmin")))

	// -- users ------------------------------------------------------------------------------
	check("AddUser", adm.AddUser(ctx, "alice", "alice-secret-1"))
	check("SetPolicy readwrite on a user", adm.SetPolicy(ctx, "readwrite", "alice", false))
	alice := s3Client("alice", "alice-secret-1")
	check("the new user signs S3 requests", func() error {
		data, err := getObject(alice, "madmin-it", "hello.txt")
		if err != nil {
			return err
		}
		return expect(string(data) == "hello madmin", "read %q", data)
	}())
	check("ListUsers (encrypted reply)", func() error {
		users, err := adm.ListUsers(ctx)
		if err != nil {
			return err
		}
		u, ok := users["alice"]
		if !ok {
			return fmt.Errorf("alice missing from %v", users)
		}
		return expect(u.Status == madmin.AccountEnabled && u.PolicyName == "readwrite",
			"alice is %+v", u)
	}())
	check("GetUserInfo", func() error {
		u, err := adm.GetUserInfo(ctx, "alice")
		if err != nil {
			return err
		}
		return expect(u.PolicyName == "readwrite" && u.Status == madmin.AccountEnabled &&
			u.SecretKey == "", "user info %+v", u)
	}())
	check("SetUserStatus disabled", adm.SetUserStatus(ctx, "alice", madmin.AccountDisabled))
	check("a disabled user cannot sign", accessDenied(func() error {
		_, err := getObject(alice, "madmin-it", "hello.txt")
		return err
	}()))
	check("SetUserStatus enabled", adm.SetUserStatus(ctx, "alice", madmin.AccountEnabled))
	check("an enabled user signs again", func() error {
		_, err := getObject(alice, "madmin-it", "hello.txt")
		return err
	}())
	check("SetUser resets the secret", adm.SetUser(ctx, "alice", "alice-secret-2",
		madmin.AccountEnabled))
	check("the old secret no longer signs", func() error {
		_, err := getObject(alice, "madmin-it", "hello.txt")
		if code := minio.ToErrorResponse(err).Code; code != "SignatureDoesNotMatch" {
			return fmt.Errorf("want SignatureDoesNotMatch, got %q (%v)", code, err)
		}
		return nil
	}())
	alice = s3Client("alice", "alice-secret-2")
	check("the new secret signs", func() error {
		_, err := getObject(alice, "madmin-it", "hello.txt")
		return err
	}())
	check("GetUserInfo of a missing user", adminCode(func() error {
		_, err := adm.GetUserInfo(ctx, "nobody-here")
		return err
	}(), "XMinioAdminNoSuchUser"))

	// -- policies ----------------------------------------------------------------------------
	check("AddCannedPolicy", adm.AddCannedPolicy(ctx, "read-madmin-it", []byte(readBucketPolicy)))
	check("InfoCannedPolicy", func() error {
		doc, err := adm.InfoCannedPolicy(ctx, "read-madmin-it")
		if err != nil {
			return err
		}
		var parsed map[string]interface{}
		if err := json.Unmarshal(doc, &parsed); err != nil {
			return err
		}
		return expect(parsed["Version"] == "2012-10-17", "document %s", doc)
	}())
	check("InfoCannedPolicyV2", func() error {
		info, err := adm.InfoCannedPolicyV2(ctx, "read-madmin-it")
		if err != nil {
			return err
		}
		return expect(info.PolicyName == "read-madmin-it" && len(info.Policy) > 0, "info %+v", info)
	}())
	check("ListCannedPolicies", func() error {
		policies, err := adm.ListCannedPolicies(ctx)
		if err != nil {
			return err
		}
		_, mine := policies["read-madmin-it"]
		_, canned := policies["readwrite"]
		return expect(mine && canned, "listed %d policies without ours or readwrite", len(policies))
	}())
	check("AddCannedPolicy refuses a malformed document", func() error {
		err := adm.AddCannedPolicy(ctx, "broken", []byte(`{"Statement": 12}`))
		return expect(err != nil, "accepted")
	}())

	// -- groups: a policy attached to a group applies to its members --------------------------
	check("AddUser bob", adm.AddUser(ctx, "bob", "bob-secret-123"))
	bob := s3Client("bob", "bob-secret-123")
	check("bob without policies is refused", accessDenied(func() error {
		_, err := getObject(bob, "madmin-it", "hello.txt")
		return err
	}()))
	check("UpdateGroupMembers add", adm.UpdateGroupMembers(ctx, madmin.GroupAddRemove{
		Group: "readers", Members: []string{"bob"}}))
	check("AttachPolicy to a group (encrypted body)", adm.AttachPolicy(ctx,
		madmin.PolicyAssociationReq{Policies: []string{"read-madmin-it"}, Group: "readers"}))
	check("the group's policy applies to its member", func() error {
		data, err := getObject(bob, "madmin-it", "hello.txt")
		if err != nil {
			return err
		}
		return expect(string(data) == "hello madmin", "read %q", data)
	}())
	check("the group's policy grants no more than it says", accessDenied(
		putObject(bob, "madmin-it", "bob.txt", []byte("no"))))
	check("GetPolicyEntities (encrypted reply)", func() error {
		r, err := adm.GetPolicyEntities(ctx, madmin.PolicyEntitiesQuery{
			Users: []string{"alice"}, Groups: []string{"readers"}, Policy: []string{"read-madmin-it"}})
		if err != nil {
			return err
		}
		if len(r.UserMappings) != 1 || r.UserMappings[0].User != "alice" ||
			len(r.UserMappings[0].Policies) != 1 || r.UserMappings[0].Policies[0] != "readwrite" {
			return fmt.Errorf("user mappings %+v", r.UserMappings)
		}
		if len(r.GroupMappings) != 1 || len(r.GroupMappings[0].Policies) != 1 ||
			r.GroupMappings[0].Policies[0] != "read-madmin-it" {
			return fmt.Errorf("group mappings %+v", r.GroupMappings)
		}
		return expect(len(r.PolicyMappings) == 1 && len(r.PolicyMappings[0].Groups) == 1 &&
			r.PolicyMappings[0].Groups[0] == "readers" && len(r.PolicyMappings[0].Users) == 0,
			"policy mappings %+v", r.PolicyMappings)
	}())
	check("AccountInfo of a group member", func() error {
		bobAdm, err := madmin.New(*endpoint, "bob", "bob-secret-123", false)
		if err != nil {
			return err
		}
		info, err := bobAdm.AccountInfo(ctx, madmin.AccountOpts{})
		if err != nil {
			return err
		}
		if info.AccountName != "bob" || len(info.Buckets) != 1 || info.Buckets[0].Name != "madmin-it" ||
			!info.Buckets[0].Access.Read || info.Buckets[0].Access.Write ||
			info.Buckets[0].Objects != 1 {
			return fmt.Errorf("account %+v", info)
		}
		return expect(strings.Contains(string(info.Policy), "s3:GetObject"), "policy %s", info.Policy)
	}())
	check("GetGroupDescription", func() error {
		g, err := adm.GetGroupDescription(ctx, "readers")
		if err != nil {
			return err
		}
		return expect(g.Name == "readers" && g.Status == "enabled" && g.Policy == "read-madmin-it" &&
			len(g.Members) == 1 && g.Members[0] == "bob", "group %+v", g)
	}())
	check("ListGroups", func() error {
		groups, err := adm.ListGroups(ctx)
		if err != nil {
			return err
		}
		return expect(len(groups) == 1 && groups[0] == "readers", "groups %v", groups)
	}())
	check("GetUserInfo shows the membership", func() error {
		u, err := adm.GetUserInfo(ctx, "bob")
		if err != nil {
			return err
		}
		return expect(len(u.MemberOf) == 1 && u.MemberOf[0] == "readers", "user %+v", u)
	}())
	check("SetGroupStatus disabled", adm.SetGroupStatus(ctx, "readers", madmin.GroupDisabled))
	check("a disabled group's policy no longer applies", accessDenied(func() error {
		_, err := getObject(bob, "madmin-it", "hello.txt")
		return err
	}()))
	check("SetGroupStatus enabled", adm.SetGroupStatus(ctx, "readers", madmin.GroupEnabled))
	check("DetachPolicy from the group", adm.DetachPolicy(ctx,
		madmin.PolicyAssociationReq{Policies: []string{"read-madmin-it"}, Group: "readers"}))
	check("detached: refused again", accessDenied(func() error {
		_, err := getObject(bob, "madmin-it", "hello.txt")
		return err
	}()))
	check("SetPolicy on a group", adm.SetPolicy(ctx, "read-madmin-it", "readers", true))
	check("UpdateGroupMembers remove", adm.UpdateGroupMembers(ctx, madmin.GroupAddRemove{
		Group: "readers", Members: []string{"bob"}, IsRemove: true}))
	check("a removed member loses the group's policy", accessDenied(func() error {
		_, err := getObject(bob, "madmin-it", "hello.txt")
		return err
	}()))
	check("RemoveCannedPolicy of an attached policy is refused", func() error {
		return expect(adm.RemoveCannedPolicy(ctx, "read-madmin-it") != nil, "removed")
	}())
	check("SetPolicy '' clears the group", adm.SetPolicy(ctx, "", "readers", true))
	check("RemoveCannedPolicy", adm.RemoveCannedPolicy(ctx, "read-madmin-it"))

	// -- service accounts: held to their inline policy ---------------------------------------
	var saKey, saSecret string
	check("AddServiceAccount with an inline policy (encrypted both ways)", func() error {
		creds, err := adm.AddServiceAccount(ctx, madmin.AddServiceAccountReq{
			Policy:     json.RawMessage(listOnlyPolicy),
			TargetUser: "alice",
			Comment:    "list only",
		})
		if err != nil {
			return err
		}
		saKey, saSecret = creds.AccessKey, creds.SecretKey
		return expect(saKey != "" && saSecret != "", "credentials %+v", creds)
	}())
	sa := s3Client(saKey, saSecret)
	check("the service account may do what its policy allows", func() error {
		for obj := range sa.ListObjects(ctx, "madmin-it", minio.ListObjectsOptions{}) {
			if obj.Err != nil {
				return obj.Err
			}
		}
		return nil
	}())
	check("the service account is held to its policy (its parent may read)", accessDenied(
		func() error {
			_, err := getObject(sa, "madmin-it", "hello.txt")
			return err
		}()))
	check("ListServiceAccounts (encrypted reply)", func() error {
		list, err := adm.ListServiceAccounts(ctx, "alice")
		if err != nil {
			return err
		}
		return expect(len(list.Accounts) == 1 && list.Accounts[0] == saKey, "accounts %v",
			list.Accounts)
	}())
	check("InfoServiceAccount (encrypted reply)", func() error {
		info, err := adm.InfoServiceAccount(ctx, saKey)
		if err != nil {
			return err
		}
		return expect(info.ParentUser == "alice" && info.AccountStatus == "on" &&
			!info.ImpliedPolicy && strings.Contains(info.Policy, "s3:ListBucket") &&
			info.Comment == "list only", "info %+v", info)
	}())
	updateChecks(ctx, adm, saKey, saSecret)
	sa = s3Client(saKey, updatedSecret)
	aliceAdm, err := madmin.New(*endpoint, "alice", "alice-secret-2", false)
	must("madmin.New alice", err)
	check("a user adds its own service account without admin rights", func() error {
		creds, err := aliceAdm.AddServiceAccount(ctx, madmin.AddServiceAccountReq{})
		if err != nil {
			return err
		}
		own := s3Client(creds.AccessKey, creds.SecretKey)
		if _, err := getObject(own, "madmin-it", "hello.txt"); err != nil {
			return fmt.Errorf("an implied-policy account cannot read: %v", err)
		}
		return aliceAdm.DeleteServiceAccount(ctx, creds.AccessKey)
	}())
	check("DeleteServiceAccount", adm.DeleteServiceAccount(ctx, saKey))
	check("a deleted service account cannot sign", accessDenied(func() error {
		_, err := getObject(sa, "madmin-it", "hello.txt")
		return err
	}()))

	// -- authorization and errors -------------------------------------------------------------
	bobAdm, err := madmin.New(*endpoint, "bob", "bob-secret-123", false)
	must("madmin.New bob", err)
	check("a non-admin user is refused admin calls", adminCode(func() error {
		_, err := bobAdm.ListUsers(ctx)
		return err
	}(), "AccessDenied"))
	check("a non-admin user reads its own user info", func() error {
		_, err := bobAdm.GetUserInfo(ctx, "bob")
		return err
	}())
	check("calls Cairn does not serve answer NotImplemented", adminCode(func() error {
		_, err := adm.TopLocks(ctx)
		return err
	}(), "NotImplemented"))
	check("GetConfigKV region (encrypted reply)", func() error {
		kv, err := adm.GetConfigKV(ctx, "region")
		if err != nil {
			return err
		}
		return expect(strings.TrimSpace(string(kv)) == "region name=us-east-1", "config %q", kv)
	}())
	configChecks(ctx, adm)
	check("ServiceRestart is refused with a clear error", func() error {
		err := adm.ServiceRestart(ctx)
		if err := adminCode(err, "NotImplemented"); err != nil {
			return err
		}
		return expect(strings.Contains(err.Error(), "service manager"), "message %q", err)
	}())
	check("ServiceStop by a non-admin is refused first", adminCode(bobAdm.ServiceStop(ctx),
		"AccessDenied"))

	// -- server --------------------------------------------------------------------------------
	serverChecks(ctx, adm, root, *dataDir)
	traceChecks(ctx, adm, root, *endpoint)
	check("Heal on one drive is XMinioHealNotImplemented, as MinIO without erasure", func() error {
		_, _, err := adm.Heal(ctx, "", "", madmin.HealOpts{Recursive: true}, "", false, false)
		return adminCode(err, "XMinioHealNotImplemented")
	}())

	// -- clean up ----------------------------------------------------------------------------
	check("RemoveUser", adm.RemoveUser(ctx, "bob"))
	check("a removed user cannot sign", accessDenied(func() error {
		_, err := getObject(bob, "madmin-it", "hello.txt")
		return err
	}()))
	check("ListUsers after removal", func() error {
		users, err := adm.ListUsers(ctx)
		if err != nil {
			return err
		}
		names := make([]string, 0, len(users))
		for name := range users {
			names = append(names, name)
		}
		sort.Strings(names)
		return expect(len(names) == 1 && names[0] == "alice", "users %v", names)
	}())

	fmt.Printf("%d checks, %d failed\n", checks, failures)
	if failures > 0 {
		os.Exit(1)
	}
}

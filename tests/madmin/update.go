package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/minio/madmin-go"
	"github.com/minio/minio-go/v7"
)

// The secret updateChecks leaves the service account with.
const updatedSecret = "rotated-svc-secret-1"

const readPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::madmin-it/*"]}]}`

// listBucket: whether a ListObjects of madmin-it by `c` succeeds.
func listBucket(ctx context.Context, c *minio.Client) error {
	for obj := range c.ListObjects(ctx, "madmin-it", minio.ListObjectsOptions{}) {
		if obj.Err != nil {
			return obj.Err
		}
	}
	return nil
}

func signatureMismatch(err error) error {
	if code := minio.ToErrorResponse(err).Code; code != "SignatureDoesNotMatch" {
		return fmt.Errorf("want SignatureDoesNotMatch, got %q (%v)", code, err)
	}
	return nil
}

// updateChecks: UpdateServiceAccount on alice's list-only key `key` (secret `secret`) takes effect
// on the next S3 request: off refuses it, on restores it, a new secret replaces the old one, a
// new policy replaces the old limits, a non-admin cannot touch another user's key.
func updateChecks(ctx context.Context, adm *madmin.AdminClient, key, secret string) {
	old := s3Client(key, secret)
	check("UpdateServiceAccount status off", adm.UpdateServiceAccount(ctx, key,
		madmin.UpdateServiceAccountReq{NewStatus: "off"}))
	check("a disabled service account cannot sign", accessDenied(listBucket(ctx, old)))
	check("InfoServiceAccount reports off", func() error {
		info, err := adm.InfoServiceAccount(ctx, key)
		if err != nil {
			return err
		}
		return expect(info.AccountStatus == "off", "info %+v", info)
	}())
	check("UpdateServiceAccount status on", adm.UpdateServiceAccount(ctx, key,
		madmin.UpdateServiceAccountReq{NewStatus: "on"}))
	check("an enabled service account signs again", listBucket(ctx, old))

	check("UpdateServiceAccount new secret", adm.UpdateServiceAccount(ctx, key,
		madmin.UpdateServiceAccountReq{NewSecretKey: updatedSecret}))
	check("the old secret no longer signs", signatureMismatch(listBucket(ctx, old)))
	rotated := s3Client(key, updatedSecret)
	check("the new secret signs at once", listBucket(ctx, rotated))
	check("the policy is kept when only the secret changes", accessDenied(func() error {
		_, err := getObject(rotated, "madmin-it", "hello.txt")
		return err
	}()))

	check("UpdateServiceAccount new policy and comment", adm.UpdateServiceAccount(ctx, key,
		madmin.UpdateServiceAccountReq{NewPolicy: json.RawMessage(readPolicy),
			NewComment: "read only"}))
	check("the new policy allows what it says", func() error {
		data, err := getObject(rotated, "madmin-it", "hello.txt")
		if err != nil {
			return err
		}
		return expect(string(data) == "hello madmin", "read %q", data)
	}())
	check("the new policy replaces the old limits", accessDenied(listBucket(ctx, rotated)))
	check("the new policy allows nothing more", accessDenied(
		putObject(rotated, "madmin-it", "svc.txt", []byte("no"))))
	check("InfoServiceAccount reports the update", func() error {
		info, err := adm.InfoServiceAccount(ctx, key)
		if err != nil {
			return err
		}
		return expect(info.ParentUser == "alice" && info.AccountStatus == "on" &&
			!info.ImpliedPolicy && strings.Contains(info.Policy, "s3:GetObject") &&
			!strings.Contains(info.Policy, "s3:ListBucket") && info.Comment == "read only",
			"info %+v", info)
	}())

	bobAdm, err := madmin.New(*endpoint, "bob", "bob-secret-123", false)
	must("madmin.New bob", err)
	check("a non-admin cannot update another user's service account", adminCode(
		bobAdm.UpdateServiceAccount(ctx, key, madmin.UpdateServiceAccountReq{NewStatus: "off"}),
		"AccessDenied"))
	check("the refused update changed nothing", func() error {
		_, err := getObject(s3Client(key, updatedSecret), "madmin-it", "hello.txt")
		return err
	}())
	check("UpdateServiceAccount of an unknown key", adminCode(
		adm.UpdateServiceAccount(ctx, "NOSUCHKEY123", madmin.UpdateServiceAccountReq{NewStatus: "off"}),
		"XMinioAdminServiceAccountNotFound"))
	check("UpdateServiceAccount with a malformed policy is refused", func() error {
		err := adm.UpdateServiceAccount(ctx, key, madmin.UpdateServiceAccountReq{
			NewPolicy: json.RawMessage(`{"Version":"2012-10-17","Statement":12}`)})
		return expect(err != nil, "accepted")
	}())

	// A user updates its own key without admin rights (as MinIO allowed with this client).
	aliceAdm, err := madmin.New(*endpoint, "alice", "alice-secret-2", false)
	must("madmin.New alice", err)
	check("a user updates its own service account", aliceAdm.UpdateServiceAccount(ctx, key,
		madmin.UpdateServiceAccountReq{NewComment: "renamed by alice"}))
	check("the key itself cannot update itself", adminCode(func() error {
		self, err := madmin.New(*endpoint, key, updatedSecret, false)
		if err != nil {
			return err
		}
		return self.UpdateServiceAccount(ctx, key, madmin.UpdateServiceAccountReq{
			NewPolicy: json.RawMessage(`{}`)})
	}(), "AccessDenied"))
}

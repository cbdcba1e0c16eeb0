// Prints presigned URLs made by the `minio` npm client, as JSON {"GET": url, ...}, for
// tests/integration/test_presigned.py. Not a test itself (run.sh runs *.test.mjs only).
//   node presign_minio.mjs PORT ACCESS_KEY SECRET_KEY BUCKET KEY EXPIRY_SECONDS
import { Client } from "minio";

const [port, accessKey, secretKey, bucket, key, expiry] = process.argv.slice(2);
const mc = new Client({
  endPoint: "127.0.0.1",
  port: Number(port),
  useSSL: false,
  accessKey,
  secretKey,
  region: "us-east-1",
  pathStyle: true,
});
const seconds = Number(expiry);
const urls = {
  GET: await mc.presignedGetObject(bucket, key, seconds),
  PUT: await mc.presignedPutObject(bucket, key, seconds),
  HEAD: await mc.presignedUrl("HEAD", bucket, key, seconds),
  DELETE: await mc.presignedUrl("DELETE", bucket, key, seconds),
};
process.stdout.write(JSON.stringify(urls));

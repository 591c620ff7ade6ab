import { isDigestRef, isPinnedImage } from "../../../stacks/config/checks";

const sha = "0123456789abcdef".repeat(4);

describe("image references", () => {
  it.each([
    [`localhost:5000/amber@sha256:${sha}`, true],
    [`quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z@sha256:${sha}`, true],
    ["localhost:5000/amber:1.0", false],
    [`amber@sha256:${sha.slice(1)}`, false],
    [`amber@sha256:${sha.toUpperCase()}`, false],
    [`Amber@sha256:${sha}`, false],
  ])("isDigestRef(%s) = %s", (ref, expected) => expect(isDigestRef(ref)).toBe(expected));

  it.each([
    ["registry:2.8.3", true],
    ["docker.io/library/nginx:1.29.1-alpine", true],
    ["nginx", false],
    ["nginx:latest", false],
    ["localhost:5000/amber", false],
    [`localhost:5000/amber@sha256:${sha}`, true],
  ])("isPinnedImage(%s) = %s", (ref, expected) => expect(isPinnedImage(ref)).toBe(expected));
});

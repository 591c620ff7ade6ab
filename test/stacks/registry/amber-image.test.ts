import { amberImageName, parseDockerEnv } from "../../../stacks/registry/amber-image";

const sha = "0123456789abcdef".repeat(4);

describe("minikube and Docker", () => {
  it("reads minikube docker-env output with or without export and quotes", () => {
    expect(parseDockerEnv("DOCKER_TLS_VERIFY=1\nDOCKER_HOST=tcp://127.0.0.1:32771\nDOCKER_CERT_PATH=/c\n")).toEqual({
      DOCKER_TLS_VERIFY: "1",
      DOCKER_HOST: "tcp://127.0.0.1:32771",
      DOCKER_CERT_PATH: "/c",
    });
    expect(parseDockerEnv('export DOCKER_HOST="tcp://h:1"\n# comment').DOCKER_HOST).toBe("tcp://h:1");
    expect(() => parseDockerEnv("nothing")).toThrow(/no DOCKER_HOST/);
  });

  it("tags the image by build context content, never latest", () => {
    expect(amberImageName("localhost:5000", sha)).toBe("localhost:5000/amber:ctx-0123456789abcdef");
  });
});

// Command pulumi-language-nodejs is a small Node.js language host for the integration tier.
//
// The upstream host lives in an untagged module that the module proxy does not serve, so this one is
// built instead. It covers what `pulumi up`, `preview`, `refresh` and `destroy` ask of a language
// host: plugin info, required packages (none: providers are the ambient plugins on PATH) and Run,
// which starts the `cmd/run` entry point of the program's own @pulumi/pulumi. Everything else answers
// Unimplemented, which the engine tolerates for these commands.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is set by the build (-X main.version=…) to the engine version it ships with.
var version = "0.0.0-dev"

// bailExitCode is the exit code @pulumi/pulumi's runner uses after it has already reported the error.
const bailExitCode = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func main() {
	h := &host{engineAddress: lastPositional(os.Args[1:])}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: cannot serve: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

// lastPositional returns the engine address: the engine passes it last, after any logging flags.
func lastPositional(args []string) string {
	for i := len(args) - 1; i >= 0; i-- {
		if !strings.HasPrefix(args[i], "-") {
			return args[i]
		}
	}
	return ""
}

func (h *host) Handshake(context.Context, *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := info.GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	runner, err := findRunner(programDir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	options := map[string]any{}
	if info.GetOptions() != nil {
		options = info.GetOptions().AsMap()
	}

	args := nodeArgs(options)
	args = append(args, runner,
		"--monitor="+req.GetMonitorAddress(),
		"--engine="+h.engineAddress,
		"--organization="+req.GetOrganization(),
		"--project="+req.GetProject(),
		"--stack="+req.GetStack(),
		"--root-directory="+info.GetRootDirectory(),
		"--pwd="+req.GetPwd(),
		fmt.Sprintf("--parallel=%d", req.GetParallel()),
	)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	args = append(args, filepath.Join(programDir, info.GetEntryPoint()))
	args = append(args, req.GetArgs()...)

	env, err := runEnv(req, options)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == bailExitCode:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("cannot start node (is Node.js on PATH?): %v", err)}, nil
	}
}

// findRunner looks for @pulumi/pulumi's run entry in node_modules from the program directory upwards,
// the way Node resolves packages.
func findRunner(programDir string) (string, error) {
	for dir := programDir; ; dir = filepath.Dir(dir) {
		candidate := filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run")
		if _, err := os.Stat(filepath.Join(candidate, "index.js")); err == nil {
			return candidate, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("@pulumi/pulumi not found in node_modules above %s: run `npm ci` in the project", programDir)
		}
	}
}

// nodeArgs honours the Pulumi.yaml runtime option `nodeargs` (space separated).
func nodeArgs(options map[string]any) []string {
	if s, ok := options["nodeargs"].(string); ok {
		return strings.Fields(s)
	}
	return nil
}

func runEnv(req *pulumirpc.RunRequest, options map[string]any) ([]string, error) {
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secrets, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := []string{
		"PULUMI_CONFIG=" + string(config),
		"PULUMI_CONFIG_SECRET_KEYS=" + string(secrets),
		"PULUMI_NODEJS_TYPESCRIPT=" + fmt.Sprint(options["typescript"] != false),
	}
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}
	return env, nil
}

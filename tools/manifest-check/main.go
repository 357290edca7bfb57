// manifest-check decodes every Kubernetes object in the given multi-document YAML files (or stdin) strictly
// against the upstream API types: an unknown or duplicated field, a wrong type, or a kind/apiVersion this tool
// does not know fails the check. It prints one line per object and exits 1 on the first file with an error.
//
//	kubectl kustomize deploy/kubernetes/overlays/prod | go run ./tools/manifest-check -
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// The API groups a manifest of this project may use; anything else is an error, not a pass. Besides Kubernetes' own:
// the Prometheus Operator's (PodMonitor, PrometheusRule; components/monitoring) and Gateway API's (an HTTPRoute
// an overlay adds to route through a Gateway).
var addToScheme = []func(*runtime.Scheme) error{
	corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, policyv1.AddToScheme,
	autoscalingv2.AddToScheme, networkingv1.AddToScheme, rbacv1.AddToScheme,
	monitoringv1.AddToScheme, gatewayv1.Install,
}

func main() {
	args := os.Args[1:]
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: manifest-check FILE... (- for stdin)")
		os.Exit(2)
	}
	scheme := runtime.NewScheme()
	for _, add := range addToScheme {
		if err := add(scheme); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	decoder := serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()
	failed := false
	for _, name := range args {
		if err := checkFile(decoder, name); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL %s: %v\n", name, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

func checkFile(decoder runtime.Decoder, name string) error {
	var in io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(in))
	objects := 0
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		obj, gvk, err := decoder.Decode(doc, nil, nil)
		if err != nil {
			return fmt.Errorf("object %d: %w", objects+1, err)
		}
		objects++
		meta, _ := obj.(interface{ GetName() string })
		objName := ""
		if meta != nil {
			objName = meta.GetName()
		}
		fmt.Printf("ok %s %s %s\n", name, gvk.GroupVersion().String()+"/"+gvk.Kind, objName)
	}
	if objects == 0 {
		return errors.New("no Kubernetes object in input")
	}
	return nil
}

// stripComments drops whole-line comments, so a document of comments only counts as empty.
func stripComments(doc []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 && trimmed[0] == '#' {
			continue
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

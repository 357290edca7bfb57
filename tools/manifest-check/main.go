// manifest-check decodes every Kubernetes object in the given multi-document YAML files (or stdin) strictly
// against the upstream API types: an unknown or duplicated field, a wrong type, or a kind/apiVersion this tool
// does not know fails the check. An HTTPRoute must also route the public API only (checkRoute). It prints one line
// per object and exits 1 on the first file with an error.
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
	"strings"

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
		if route, ok := obj.(*gatewayv1.HTTPRoute); ok {
			if err := checkRoute(route); err != nil {
				return fmt.Errorf("object %d, HTTPRoute %s: %w", objects, route.Name, err)
			}
		}
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

// What a Gateway may reach: the public API, on the Service that lists ready pods only. The admin endpoints
// (/api/admin/*) are reached by port-forward, the OpenAPI document and the management port not from outside at all.
const (
	publicPrefix  = "/api/profiles"
	publicService = "creator-profiles"
	publicPort    = 80
)

// checkRoute refuses an HTTPRoute that could send a request anywhere but the public API: every rule matches paths at
// or below publicPrefix (PathPrefix or Exact; a match without a path matches everything), sends them to publicService
// on publicPort only, and changes nothing but headers on the way (a rewrite or a mirror could send a public path
// elsewhere).
func checkRoute(route *gatewayv1.HTTPRoute) error {
	if len(route.Spec.Rules) == 0 {
		return errors.New("no rules: the route would send every path to nothing")
	}
	for i, rule := range route.Spec.Rules {
		at := fmt.Sprintf("rule %d", i+1)
		if len(rule.Matches) == 0 {
			return fmt.Errorf("%s has no matches: it routes every path, not only %s", at, publicPrefix)
		}
		for _, match := range rule.Matches {
			if err := checkPublicPath(match.Path); err != nil {
				return fmt.Errorf("%s: %w", at, err)
			}
		}
		if err := checkFilters(rule.Filters); err != nil {
			return fmt.Errorf("%s: %w", at, err)
		}
		if len(rule.BackendRefs) == 0 {
			return fmt.Errorf("%s has no backendRefs (want Service %s port %d)", at, publicService, publicPort)
		}
		for _, backend := range rule.BackendRefs {
			ref := backend.BackendObjectReference
			service := (ref.Group == nil || *ref.Group == "") && (ref.Kind == nil || *ref.Kind == "Service")
			if !service || ref.Namespace != nil || string(ref.Name) != publicService || ref.Port == nil || *ref.Port != publicPort {
				return fmt.Errorf("%s sends to %s, not the public Service %s port %d", at, describe(ref), publicService, publicPort)
			}
			if err := checkFilters(backend.Filters); err != nil {
				return fmt.Errorf("%s, backend %s: %w", at, ref.Name, err)
			}
		}
	}
	return nil
}

func checkPublicPath(path *gatewayv1.HTTPPathMatch) error {
	if path == nil || path.Value == nil {
		return fmt.Errorf("a match without a path matches every path, not only %s", publicPrefix)
	}
	kind := gatewayv1.PathMatchPathPrefix
	if path.Type != nil {
		kind = *path.Type
	}
	value := *path.Value
	if kind != gatewayv1.PathMatchPathPrefix && kind != gatewayv1.PathMatchExact {
		return fmt.Errorf("path match %s %q: only PathPrefix or Exact at or below %s", kind, value, publicPrefix)
	}
	below := value == publicPrefix || strings.HasPrefix(value, publicPrefix+"/")
	if !below || strings.Contains(value, "..") || strings.Contains(value, "//") || strings.Contains(value, "%") {
		return fmt.Errorf("path %s %q is not the public API (%s and below): it would expose other paths, /api/admin included",
			kind, value, publicPrefix)
	}
	return nil
}

func checkFilters(filters []gatewayv1.HTTPRouteFilter) error {
	for _, filter := range filters {
		switch filter.Type {
		case gatewayv1.HTTPRouteFilterRequestHeaderModifier, gatewayv1.HTTPRouteFilterResponseHeaderModifier:
		default:
			return fmt.Errorf("filter %s: only header modifiers (a rewrite, redirect, mirror or extension could send a path elsewhere)", filter.Type)
		}
	}
	return nil
}

func describe(ref gatewayv1.BackendObjectReference) string {
	kind, port := "Service", "no port"
	if ref.Kind != nil {
		kind = string(*ref.Kind)
	}
	if ref.Group != nil && *ref.Group != "" {
		kind = string(*ref.Group) + "/" + kind
	}
	if ref.Port != nil {
		port = fmt.Sprintf("port %d", *ref.Port)
	}
	if ref.Namespace != nil {
		return fmt.Sprintf("%s %s/%s %s", kind, *ref.Namespace, ref.Name, port)
	}
	return fmt.Sprintf("%s %s %s", kind, ref.Name, port)
}

package io.creatorprofiles.reflection;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.Index;
import org.jboss.jandex.Indexer;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SimpleVerifier;

/**
 * Which of this service's types are serialized to JSON without being registered for reflection (a native image would
 * then answer {} or fail). Serialized means: returned by a JAX-RS resource method (inside Uni, Multi, List…), or passed
 * as the entity of a {@code Response} ({@code ok}, {@code accepted}, {@code entity}) or to an {@code ObjectMapper}
 * write, as the bytecode's own static type says; plus every type of this service reachable from one of those through
 * record components or generic arguments. Registered means {@code @RegisterForReflection} on the type, or the type
 * named in the {@code targets} of one, as the Jandex index of the classes says.
 */
final class ReflectionRegistration {

    private static final String OWN_PACKAGE = "io.creatorprofiles.";
    private static final DotName REGISTER = DotName.createSimple("io.quarkus.runtime.annotations.RegisterForReflection");
    private static final Set<String> HTTP_METHODS = Set.of("jakarta.ws.rs.GET", "jakarta.ws.rs.POST", "jakarta.ws.rs.PUT",
            "jakarta.ws.rs.DELETE", "jakarta.ws.rs.PATCH");
    private static final Set<String> ENTITY_CALLS = Set.of(
            "jakarta/ws/rs/core/Response.ok", "jakarta/ws/rs/core/Response.accepted",
            "jakarta/ws/rs/core/Response$ResponseBuilder.entity",
            "com/fasterxml/jackson/databind/ObjectMapper.writeValueAsString",
            "com/fasterxml/jackson/databind/ObjectMapper.writeValueAsBytes",
            "com/fasterxml/jackson/databind/ObjectMapper.writeValue",
            "com/fasterxml/jackson/databind/ObjectWriter.writeValueAsString");

    private ReflectionRegistration() {
    }

    /** The compiled classes under a directory (e.g. target/classes). */
    static List<Class<?>> classesUnder(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(".class"))
                    .map(file -> root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .map(ReflectionRegistration::load).toList();
        }
    }

    /** Serialized types among {@code classes} (and what they reach) that {@code registered} does not cover. */
    static Set<String> unregistered(List<Class<?>> classes, Set<String> registered) throws IOException {
        Set<Class<?>> serialized = new HashSet<>();
        for (Class<?> type : classes) {
            serialized.addAll(returnedByResources(type));
            serialized.addAll(passedAsEntities(type));
        }
        Set<String> missing = new TreeSet<>();
        for (Class<?> type : reachable(serialized)) {
            if (!registered.contains(type.getName())) {
                missing.add(type.getName());
            }
        }
        return missing;
    }

    /** Types registered in a Jandex index of {@code classes}. */
    static Set<String> registeredIn(List<Class<?>> classes) throws IOException {
        Indexer indexer = new Indexer();
        for (Class<?> type : classes) {
            try (InputStream bytes = bytecode(type)) {
                indexer.index(bytes);
            }
        }
        Index index = indexer.complete();
        Set<String> registered = new HashSet<>();
        for (AnnotationInstance annotation : index.getAnnotations(REGISTER)) {
            AnnotationValue targets = annotation.value("targets");
            if (targets != null && targets.asClassArray().length > 0) {
                for (org.jboss.jandex.Type target : targets.asClassArray()) {
                    registered.add(target.name().toString());
                }
            } else if (annotation.target().kind() == org.jboss.jandex.AnnotationTarget.Kind.CLASS) {
                registered.add(annotation.target().asClass().name().toString());
            }
        }
        return registered;
    }

    private static Set<Class<?>> returnedByResources(Class<?> type) {
        Set<Class<?>> found = new HashSet<>();
        for (var method : type.getDeclaredMethods()) {
            boolean endpoint = Stream.of(method.getAnnotations())
                    .anyMatch(annotation -> HTTP_METHODS.contains(annotation.annotationType().getName()));
            if (endpoint) {
                collect(method.getGenericReturnType(), found);
            }
        }
        return found;
    }

    private static Set<Class<?>> passedAsEntities(Class<?> type) throws IOException {
        Set<Class<?>> found = new HashSet<>();
        ClassNode node = new ClassNode();
        try (InputStream bytes = bytecode(type)) {
            new ClassReader(bytes).accept(node, 0);
        }
        for (MethodNode method : node.methods) {
            if (method.instructions.size() == 0) {
                continue;
            }
            SimpleVerifier verifier = new SimpleVerifier();
            verifier.setClassLoader(type.getClassLoader());
            Frame<BasicValue>[] frames;
            try {
                frames = new Analyzer<>(verifier).analyze(node.name, method);
            } catch (AnalyzerException e) {
                throw new IllegalStateException("cannot analyse " + node.name + "." + method.name, e);
            }
            for (int i = 0; i < method.instructions.size(); i++) {
                AbstractInsnNode insn = method.instructions.get(i);
                if (insn instanceof MethodInsnNode call && ENTITY_CALLS.contains(call.owner + "." + call.name)
                        && frames[i] != null) {
                    org.objectweb.asm.Type[] arguments = org.objectweb.asm.Type.getArgumentTypes(call.desc);
                    int entityArgument = call.name.equals("writeValue") ? 1 : 0;
                    if (arguments.length <= entityArgument) {
                        continue;
                    }
                    int depth = arguments.length - 1 - entityArgument;
                    BasicValue value = frames[i].getStack(frames[i].getStackSize() - 1 - depth);
                    if (value.getType() != null && value.getType().getSort() == org.objectweb.asm.Type.OBJECT) {
                        String name = value.getType().getClassName();
                        if (name.startsWith(OWN_PACKAGE)) {
                            found.add(load(name));
                        }
                    }
                }
            }
        }
        return found;
    }

    private static Set<Class<?>> reachable(Set<Class<?>> roots) {
        Set<Class<?>> seen = new HashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Class<?> type = todo.pop();
            if (!type.getName().startsWith(OWN_PACKAGE) || type.isEnum() || !seen.add(type)) {
                continue;
            }
            Set<Class<?>> next = new HashSet<>();
            if (type.isRecord()) {
                for (RecordComponent component : type.getRecordComponents()) {
                    collect(component.getGenericType(), next);
                }
            }
            todo.addAll(next);
        }
        return seen;
    }

    private static void collect(Type type, Set<Class<?>> into) {
        if (type instanceof Class<?> plain) {
            if (plain.getName().startsWith(OWN_PACKAGE)) {
                into.add(plain);
            }
        } else if (type instanceof ParameterizedType generic) {
            collect(generic.getRawType(), into);
            for (Type argument : generic.getActualTypeArguments()) {
                collect(argument, into);
            }
        }
    }

    private static InputStream bytecode(Class<?> type) {
        return type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class");
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ReflectionRegistration.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}

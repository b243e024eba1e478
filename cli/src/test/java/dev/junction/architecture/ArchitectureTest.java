package dev.junction.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import dev.junction.client.TraversalClient;
import dev.junction.client.internal.ClientCore;
import dev.junction.relay.RelayContext;
import dev.junction.relay.RelayServer;
import java.util.stream.Stream;

/**
 * The arrows between Junction's modules and layers, checked on the compiled classes so that a wrong
 * import fails the build instead of waiting for a reviewer (issue #15). It lives in the cli module
 * because cli's test class path is the one that holds wire-protocol, relay-server and
 * traversal-client together; every rule sees the production classes of all of them (test classes
 * are left out: tests may reach into internals).
 *
 * <p>A rule that cannot hold yet is wrapped in {@link FreezingArchRule}: the violations known when
 * it was written are recorded under {@code src/test/resources/archunit_store} (committed), new ones
 * fail, and fixed ones drop out of the store. Every rule fails when its {@code that()} matches no
 * class (ArchUnit's default), so a renamed package cannot turn a rule into a silent pass.
 */
@AnalyzeClasses(packages = "dev.junction", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    // ---- wire-protocol: messages and codecs, nothing else ----

    /** Why: the relay and the client both build on wire; an arrow out of it would tie them together. */
    @ArchTest
    static final ArchRule wireDependsOnNoOtherJunctionPackage = noClasses()
            .that().resideInAPackage("dev.junction.wire..")
            .should().dependOnClassesThat(resideInAPackage("dev.junction..").and(not(resideInAPackage("dev.junction.wire.."))))
            .because("wire-protocol is the shared vocabulary of relay and client and depends on neither (STYLE.md: layout)");

    /**
     * Why: wire has no sockets and no event loops (DESIGN.md, modules), so a codec can be tested and
     * fuzzed on a byte array. It uses ByteBuf (netty-buffer) and what ByteBuf is made of (io.netty.util:
     * ReferenceCounted); anything else of Netty is channels, transports or executors.
     */
    @ArchTest
    static final ArchRule wireHasNoIo = noClasses()
            .that().resideInAPackage("dev.junction.wire..")
            .should().dependOnClassesThat(resideInAPackage("io.netty..")
                    .and(not(resideInAnyPackage("io.netty.buffer..", "io.netty.util"))))
            .orShould().dependOnClassesThat().resideInAnyPackage("java.nio.channels..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.Socket")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.ServerSocket")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.DatagramSocket")
            .because("the wire protocol module has no sockets and no event loops");

    // ---- client and relay never meet ----

    /** Why: the library ships to apps that never run a relay; it speaks to the relay only through wire. */
    @ArchTest
    static final ArchRule clientNeverDependsOnRelay = noClasses()
            .that().resideInAPackage("dev.junction.client..")
            .should().dependOnClassesThat().resideInAPackage("dev.junction.relay..")
            .because("client and relay share only wire-protocol");

    /** Why: the relay must not grow a hidden dependency on the library it serves (and on QUIC with it). */
    @ArchTest
    static final ArchRule relayNeverDependsOnClient = noClasses()
            .that().resideInAPackage("dev.junction.relay..")
            .should().dependOnClassesThat().resideInAPackage("dev.junction.client..")
            .because("client and relay share only wire-protocol");

    // ---- the client's public API is the only door ----

    /**
     * Why: everything under client.internal may change in any release; cli, examples and apps use
     * the public API in dev.junction.client, so the API is what the library actually promises.
     */
    @ArchTest
    static final ArchRule clientInternalIsUsedOnlyByTheClient = noClasses()
            .that().resideOutsideOfPackage("dev.junction.client..")
            .should().dependOnClassesThat().resideInAPackage("dev.junction.client.internal..")
            .because("only the client library itself may use dev.junction.client.internal");

    /**
     * Why: the other half of the same door. A public method of the API that took or returned an
     * internal type would force its callers into client.internal (raw types of parameters and
     * return values of public constructors and methods of public classes in dev.junction.client).
     */
    @ArchTest
    static final ArchRule publicApiExposesNoInternalType = codeUnits()
            .that().arePublic()
            .and().areDeclaredInClassesThat().resideInAPackage("dev.junction.client")
            .and().areDeclaredInClassesThat().arePublic()
            .should(new ArchCondition<JavaCodeUnit>("take and return only public API types") {
                @Override
                public void check(JavaCodeUnit unit, ConditionEvents events) {
                    Stream.concat(Stream.of(unit.getRawReturnType()), unit.getRawParameterTypes().stream())
                            .map(JavaClass::getPackageName)
                            .filter(p -> p.startsWith("dev.junction.client.internal"))
                            .forEach(p -> events.add(SimpleConditionEvent.violated(unit,
                                    unit.getFullName() + " exposes a type of " + p)));
                }
            })
            .because("apps reach the library through dev.junction.client only");

    /**
     * Why: ClientCore owns each client's state and its one close path; the layers below it (punch,
     * net, path, relay, session, discovery, tls) get the part they need handed to them as an
     * interface (RelayEvents, RelayPaths, UdpBinding.Listener, SessionSocket.Inbound), never a
     * reference back to the hub (STYLE.md: "Data moves downward ... without climbing back up").
     */
    @ArchTest
    static final ArchRule clientSubPackagesNeverReachTheCore = noClasses()
            .that().resideInAPackage("dev.junction.client.internal.(*)..")
            .should().dependOnClassesThat(belongToAnyOf(ClientCore.class))
            .because("anything below the session owner gets its part handed to it, not the core");

    /**
     * Why: the same arrow, for everything below the session owner, including the helpers that sit
     * beside ClientCore in client.internal. Only ClientCore itself and its public face
     * TraversalClient (which owns it) may hold it.
     *
     * <p>Frozen: Datagrams, Punching, PunchHost and Resumer each take a ClientCore and call back
     * into it (core.mux(), core.link(), core.announce(...)); issue #15's reshaping, which hands each
     * of them only what it uses, has not been done. Their violations are recorded in the store; a new
     * class that takes ClientCore fails now, and the store shrinks as the four are reshaped.
     */
    @ArchTest
    static final ArchRule nothingBelowTheSessionOwnerReachesTheCore = FreezingArchRule.freeze(noClasses()
            .that().resideInAPackage("dev.junction.client..")
            .and(not(belongToAnyOf(ClientCore.class, TraversalClient.class)))
            .should().dependOnClassesThat(belongToAnyOf(ClientCore.class))
            .because("anything below the session owner gets its part handed to it, not the core"));

    // ---- relay layers never point up ----

    /**
     * Why: the relay's components (registry, circuit table, coordinator, STUN, admission, metrics,
     * config, transports) take what they need when RelayServer wires them; they never reach back to
     * the control channel that drives them or to the server that owns them ("It doesn't listen on its
     * own", STYLE.md).
     */
    @ArchTest
    static final ArchRule relayComponentsNeverPointUp = noClasses()
            .that().resideInAnyPackage("dev.junction.relay.reservation..", "dev.junction.relay.circuit..",
                    "dev.junction.relay.stun..", "dev.junction.relay.admission..", "dev.junction.relay.metrics..",
                    "dev.junction.relay.config..", "dev.junction.relay.net..",
                    "dev.junction.relay.tls..", "dev.junction.relay.admin..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.junction.relay.control..", "dev.junction.relay")
            .because("relay components are handed their collaborators; they never reach up to control or the server");

    /**
     * Why: the whole relay dependency graph as it stands, so a new arrow is a decision (change this
     * rule in the same commit) rather than an accident. RelayServer wires everything; control gets a
     * RelayContext (the shared components, handed to it); each component sees only what is below it.
     */
    @ArchTest
    static final ArchRule relayLayers = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("Server").definedBy(belongToAnyOf(RelayServer.class))
            .layer("Context").definedBy(belongToAnyOf(RelayContext.class))
            .layer("Control").definedBy("dev.junction.relay.control..")
            .layer("Admin").definedBy("dev.junction.relay.admin..")
            .layer("Circuit").definedBy("dev.junction.relay.circuit..")
            .layer("Reservation").definedBy("dev.junction.relay.reservation..")
            .layer("Stun").definedBy("dev.junction.relay.stun..")
            .layer("Admission").definedBy("dev.junction.relay.admission..")
            .layer("Tls").definedBy("dev.junction.relay.tls..")
            .layer("Net").definedBy("dev.junction.relay.net..")
            .layer("Metrics").definedBy("dev.junction.relay.metrics..")
            .layer("Config").definedBy("dev.junction.relay.config..")
            .whereLayer("Server").mayNotBeAccessedByAnyLayer()
            .whereLayer("Control").mayOnlyAccessLayers("Context", "Circuit", "Reservation", "Admission",
                    "Net", "Metrics", "Config")
            .whereLayer("Context").mayOnlyAccessLayers("Circuit", "Reservation", "Admission", "Metrics", "Config")
            .whereLayer("Admin").mayOnlyAccessLayers("Net", "Metrics", "Config")
            .whereLayer("Circuit").mayOnlyAccessLayers("Reservation", "Net", "Metrics", "Config")
            .whereLayer("Reservation").mayOnlyAccessLayers("Net", "Metrics", "Config")
            .whereLayer("Stun").mayOnlyAccessLayers("Net", "Metrics", "Config")
            .whereLayer("Admission").mayOnlyAccessLayers("Metrics", "Config")
            .whereLayer("Tls").mayOnlyAccessLayers("Config")
            .whereLayer("Net").mayOnlyAccessLayers("Metrics", "Config")
            .whereLayer("Metrics").mayNotAccessAnyLayer()
            .whereLayer("Config").mayNotAccessAnyLayer()
            .because("lower relay layers never point up");
}

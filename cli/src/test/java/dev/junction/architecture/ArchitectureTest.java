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
 * <p>Every rule fails when its {@code that()} matches no class (ArchUnit's default), so a renamed
 * package cannot turn a rule into a silent pass. A rule that cannot hold yet may be wrapped in
 * ArchUnit's {@code FreezingArchRule} (known violations recorded under
 * {@code src/test/resources/archunit_store}); none is frozen today.
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
     * Why: ClientCore only wires the client; the layers below it (conn, punch, net, path, relay,
     * session, discovery, tls) get the parts they need handed to them (ConnectionContext, RelayEvents,
     * PathTransport, DatagramSorter's consumers), never a reference back to the hub (STYLE.md: "Data
     * moves downward ... without climbing back up").
     */
    @ArchTest
    static final ArchRule clientSubPackagesNeverReachTheCore = noClasses()
            .that().resideInAPackage("dev.junction.client.internal.(*)..")
            .should().dependOnClassesThat(belongToAnyOf(ClientCore.class))
            .because("anything below the session owner gets its part handed to it, not the core");

    /**
     * Why: the same arrow for every class of the client, including any that would sit beside
     * ClientCore in client.internal: only ClientCore itself and its public face TraversalClient
     * (which owns it) may hold it. Was frozen with 82 violations (Datagrams, Punching, PunchHost,
     * Resumer) until issue #15 gave each session one owner (conn.Connection).
     */
    @ArchTest
    static final ArchRule nothingBelowTheSessionOwnerReachesTheCore = noClasses()
            .that().resideInAPackage("dev.junction.client..")
            .and(not(belongToAnyOf(ClientCore.class, TraversalClient.class)))
            .should().dependOnClassesThat(belongToAnyOf(ClientCore.class))
            .because("anything below the session owner gets its part handed to it, not the core");

    /**
     * Why: a session's state lives in its Connection and the client's sessions in Connections; the
     * layers a connection uses (punch, path, net, relay, session) never reach back up to them, so a
     * transport or a puncher cannot grow a second home for session state.
     */
    @ArchTest
    static final ArchRule layersBelowTheConnectionNeverReachIt = noClasses()
            .that().resideInAnyPackage("dev.junction.client.internal.punch..", "dev.junction.client.internal.path..",
                    "dev.junction.client.internal.net..", "dev.junction.client.internal.relay..",
                    "dev.junction.client.internal.session..", "dev.junction.client.internal.discovery..",
                    "dev.junction.client.internal.tls..")
            .should().dependOnClassesThat().resideInAPackage("dev.junction.client.internal.conn..")
            .because("each session has one owner, above the layers it uses");

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
                    "dev.junction.relay.config..", "dev.junction.relay.net..", "dev.junction.relay.fleet..",
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
            .layer("Fleet").definedBy("dev.junction.relay.fleet..")
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
            .whereLayer("Control").mayOnlyAccessLayers("Context", "Fleet", "Circuit", "Reservation", "Admission",
                    "Net", "Metrics", "Config")
            .whereLayer("Context").mayOnlyAccessLayers("Fleet", "Circuit", "Reservation", "Admission", "Metrics", "Config")
            .whereLayer("Fleet").mayOnlyAccessLayers("Reservation", "Metrics", "Config")
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

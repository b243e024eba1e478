package dev.junction.cli;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.identity.PeerId;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option converters: a malformed value is a usage error (exit 2) naming what was expected. */
final class Converters {
    private Converters() {
    }

    static final class RelayAddressConverter implements ITypeConverter<RelayAddress> {
        @Override
        public RelayAddress convert(String value) {
            try {
                return RelayAddress.parse(value);
            } catch (WireFormatException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class PeerIdConverter implements ITypeConverter<PeerId> {
        @Override
        public PeerId convert(String value) {
            try {
                return PeerId.parse(value);
            } catch (WireFormatException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}

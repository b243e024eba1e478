package dev.junction.relay.turn;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * Reads one allocation's relayed socket: each datagram from a peer goes to the client (if the peer
 * has a permission), and what was written towards the client leaves at the end of the read batch.
 */
final class RelayedPeerHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final TurnServer server;
    private final Allocation allocation;

    RelayedPeerHandler(TurnServer server, Allocation allocation) {
        this.server = server;
        this.allocation = allocation;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        server.fromPeer(allocation, packet.sender(), packet.content());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        server.flush(allocation);
    }

    /** A failed send (ICMP unreachable surfaces as an error on a UDP socket) ends nothing. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // the allocation stays; the datagram is lost as UDP's would be
    }
}

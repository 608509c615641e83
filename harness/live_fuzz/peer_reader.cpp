#include "harness/live_fuzz/peer_reader.h"

#include <algorithm>
#include <cstddef>
#include <span>

#include "protocol/frame.h"

namespace wsconform::harness::live_fuzz {

namespace {

protocol::ParserOptions client_options(bool deflate) {
    protocol::ParserOptions o;
    o.role = protocol::Role::client;
    o.permessage_deflate = deflate;
    return o;
}

}  // namespace

PeerReader::PeerReader(bool deflate) : parser_(client_options(deflate)) {}

bool PeerReader::feed(std::string_view bytes) {
    if (!violation_.empty()) return false;
    if (closed_ && !bytes.empty()) {
        violation_ = "data after the server's close frame";
        return false;
    }
    buf_.assign(bytes.begin(), bytes.end());
    std::span<std::byte> input(reinterpret_cast<std::byte*>(buf_.data()), buf_.size());
    using S = protocol::FrameParser::Status;
    while (true) {
        const auto ev = parser_.next(input);
        if (ev.status == S::need_more) return true;
        if (ev.status == S::error) {
            violation_ = "server sent an invalid frame: " + ev.error.message();
            return false;
        }
        const bool message_ends = message_.feed(ev);
        if (ev.status != S::frame_end) continue;
        const std::string_view p(reinterpret_cast<const char*>(ev.payload.data()),
                                 ev.payload.size());
        if (ev.header.opcode == protocol::opcode::pong) pongs_.emplace_back(p);
        if (ev.header.opcode == protocol::opcode::close) {
            closed_ = true;
            if (input.size() > 0) {
                violation_ = "data after the server's close frame";
                return false;
            }
            return true;
        }
        if (message_ends) check_compressed();
        if (!violation_.empty()) return false;
    }
}

bool PeerReader::has_pong(std::string_view payload) const {
    return std::find(pongs_.begin(), pongs_.end(), payload) != pongs_.end();
}

// RFC 7692 §7.2.2 on the client side: inflate with the largest window; keeping our context
// is right whether or not the server keeps its own.
void PeerReader::check_compressed() {
    if (!inflater_) inflater_.emplace(15, false, kInflateCap);
    std::error_code ec;
    switch (message_.check(*inflater_, ec)) {
        case CompressedMessage::Check::ok:
            break;
        case CompressedMessage::Check::does_not_inflate:
            violation_ = "server's compressed message does not inflate: " + ec.message();
            break;
        case CompressedMessage::Check::text_not_utf8:
            violation_ = "server's compressed text message is not UTF-8";
            break;
    }
}

}  // namespace wsconform::harness::live_fuzz

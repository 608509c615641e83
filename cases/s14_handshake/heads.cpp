#include "cases/s14_handshake/heads.h"

#include <algorithm>
#include <utility>

#include "protocol/handshake.h"
#include "protocol/http.h"

namespace wsconform::cases::handshake {

namespace {

bool has_name(const std::string& line, std::string_view name) {
    const auto colon = line.find(':');
    return colon != std::string::npos &&
           protocol::iequals(std::string_view(line).substr(0, colon), name);
}

}  // namespace

Head& Head::add(std::string_view name, std::string_view value) {
    lines_.push_back(std::string(name) + ": " + std::string(value));
    return *this;
}

Head& Head::raw(std::string line) {
    lines_.push_back(std::move(line));
    return *this;
}

Head& Head::set(std::string_view name, std::string_view value) {
    auto it = std::find_if(lines_.begin(), lines_.end(),
                           [&](const std::string& l) { return has_name(l, name); });
    if (it == lines_.end()) return add(name, value);
    *it = std::string(name) + ": " + std::string(value);
    const auto keep = it - lines_.begin();
    for (std::size_t i = lines_.size(); i-- > static_cast<std::size_t>(keep) + 1;)
        if (has_name(lines_[i], name)) lines_.erase(lines_.begin() + static_cast<long>(i));
    return *this;
}

Head& Head::set_raw(std::string_view name, std::string line) {
    for (auto& l : lines_)
        if (has_name(l, name)) {
            l = std::move(line);
            return *this;
        }
    return raw(std::move(line));
}

Head& Head::drop(std::string_view name) {
    std::erase_if(lines_, [&](const std::string& l) { return has_name(l, name); });
    return *this;
}

Head& Head::start(std::string line) {
    start_ = std::move(line);
    return *this;
}

Head& Head::rename(const std::function<std::string(std::string)>& f) {
    for (auto& l : lines_) {
        const auto colon = l.find(':');
        if (colon != std::string::npos) l = f(l.substr(0, colon)) + l.substr(colon);
    }
    return *this;
}

Head& Head::reverse() {
    std::reverse(lines_.begin(), lines_.end());
    return *this;
}

std::string Head::str() const {
    std::string out = start_ + "\r\n";
    for (const auto& l : lines_) out += l + "\r\n";
    return out + "\r\n";
}

std::string lower(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

std::string upper(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

std::string swap_case(std::string s) {
    for (auto& c : s) {
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
        else if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

// ---------------------------------------------------------------- testing a server

Head upgrade_request(const RequestContext& c, std::string_view key) {
    Head h("GET " + c.target + " HTTP/1.1");
    h.add("Host", c.host)
        .add("Upgrade", "websocket")
        .add("Connection", "Upgrade")
        .add("Sec-WebSocket-Key", key)
        .add("Sec-WebSocket-Version", "13");
    return h;
}

Head upgrade_request(const RequestContext& c) {
    return upgrade_request(c, c.key);
}

RawRequest raw_request(const Head& h, std::string key) {
    RawRequest r;
    r.head = h.str();
    r.key = std::move(key);
    return r;
}

RequestScript edited(std::function<void(Head&)> edit) {
    return [edit = std::move(edit)](const RequestContext& c) {
        Head h = upgrade_request(c);
        edit(h);
        return raw_request(h, c.key);
    };
}

RequestScript offering_deflate(std::string offer, std::vector<protocol::DeflateParams> valid) {
    return [offer = std::move(offer), valid = std::move(valid)](const RequestContext& c) {
        Head h = upgrade_request(c);
        h.add("Sec-WebSocket-Extensions", offer);
        auto r = raw_request(h, c.key);
        r.deflate_offers = valid;
        return r;
    };
}

// ---------------------------------------------------------------- testing a client

Head upgrade_response(const ClientRequest& r) {
    Head h("HTTP/1.1 101 Switching Protocols");
    h.add("Upgrade", "websocket")
        .add("Connection", "Upgrade")
        .add("Sec-WebSocket-Accept", protocol::compute_accept(r.key));
    return h;
}

std::string greeting(const std::string& id) {
    return "Hello from wsconform, case " + id;
}

ResponseScript answered(std::string id, bool valid, ResponseEdit edit) {
    return [id = std::move(id), valid, edit = std::move(edit)](const ClientRequest& r) {
        Head h = upgrade_response(r);
        edit(h, r);
        RawResponse out;
        out.head = h.str();
        out.texts = {greeting(id)};
        out.valid = valid;
        return out;
    };
}

ResponseScript valid_answer(std::string id, std::size_t messages, std::chrono::milliseconds delay) {
    return [id = std::move(id), messages, delay](const ClientRequest& r) {
        RawResponse out;
        out.head = upgrade_response(r).str();
        out.delay = delay;
        for (std::size_t i = 0; i < messages; ++i)
            out.texts.push_back(greeting(id) +
                                (messages > 1 ? ", message " + std::to_string(i + 1) : ""));
        return out;
    };
}

}  // namespace wsconform::cases::handshake

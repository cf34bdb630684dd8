# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# strongSwan (charon + swanctl, Debian's packages) in network namespaces,
# for the selftests. Source it after lib.sh:
#
#   . "$(dirname "$0")/../swan.sh"
#
# Each instance has a directory DIR (under $TMPD: swan_dir makes one) with
# its own strongswan.conf, swanctl.conf, vici socket (DIR/charon.vici) and
# log (DIR/charon.log), and DIR/run, which charon sees as /run: its pid
# file, /run/charon.pid, is compiled in, so two instances need two /runs.
# "ip netns exec" gives charon a mount namespace of its own (a slave of the
# root's), in which DIR/run is bind-mounted on /run before charon starts.
#
#   swan_dir NAME                    make and print $TMPD/swan-NAME
#   swan_conf DIR CONN LOCAL REMOTE CHILD LOCAL_TS REMOTE_TS
#                                    write DIR/swanctl.conf: one IKEv2
#                                    connection, PSK, one tunnel-mode CHILD
#   swan_conf_add DIR CONN ...       the same, added to DIR/swanctl.conf:
#                                    another connection (and its secret)
#   swan_start NS DIR                start charon in NS, wait for its socket
#   swan_load NS DIR                 swanctl --load-all
#   swan_initiate NS DIR CHILD [N]   bring CHILD up, wait until NS has N
#                                    (2) ESP states
#   swan_negotiations DIR            the exchanges that negotiate or
#                                    delete something, in DIR's log so
#                                    far: "init N child N delete N"
#   swan_log_mark DIR                where DIR's log ends now (a line
#                                    number, for swan_log_since)
#   swan_log_since DIR MARK          DIR's log after MARK
#   swan_kernel_events DIR [MARK]    the XFRM events charon received from
#                                    the kernel (acquire, expire, migrate,
#                                    mapping) after MARK
#   swan_errors DIR [MARK]           the lines of DIR's log after MARK that
#                                    report an error or a failure
#   swan_errors_in                   the same, of the log lines on stdin
#   swan_swanctl NS DIR ARGS...      any other swanctl command
#   swan_running DIR                 DIR's charon is still running
#   swan_stop NS DIR                 stop charon (SIGTERM), wait for it
#
# swan_start registers charon with bg_add, so lib.sh's cleanup stops it.
# charon installs no routes (install_routes = no): the tests route
# themselves, and a route charon made would not follow an SA that moves
# without it. Its kernel interface logs at level 2, which shows every
# XFRM event it receives ("received a XFRM_MSG_...").
# A missing strongSwan is an error, not a reason to skip: swan_check says.
#
# Settings (read by swan_conf): SWAN_PSK, SWAN_IKE (IKE proposal),
# SWAN_ESP (ESP proposal), SWAN_CONN_EXTRA and SWAN_CHILD_EXTRA (more
# swanctl.conf lines for the connection and the child).

SWAN_CHARON=${SWAN_CHARON:-/usr/lib/ipsec/charon}
SWAN_SWANCTL=${SWAN_SWANCTL:-/usr/sbin/swanctl}
# The plugins charon loads: PSK auth, modp DH (gmp), AES, SHA-2, the kernel
# interface, the IKE socket and vici. ESP's algorithms are the kernel's.
SWAN_PLUGINS=${SWAN_PLUGINS:-random nonce aes sha1 sha2 hmac kdf gmp kernel-netlink socket-default vici}
SWAN_PSK=${SWAN_PSK:-mho-selftest-preshared-key}
SWAN_IKE=${SWAN_IKE:-aes128-sha256-modp2048}
SWAN_ESP=${SWAN_ESP:-aes128gcm16}
SWAN_CONN_EXTRA=${SWAN_CONN_EXTRA:-}
SWAN_CHILD_EXTRA=${SWAN_CHILD_EXTRA:-}

declare -A _swan_pid=()

# swan_check: charon, swanctl and the plugins are there (else say what is
# missing and return 1).
swan_check() {
	local p
	[ -x "$SWAN_CHARON" ] || { echo "$SWAN_CHARON is missing (make deps)"; return 1; }
	[ -x "$SWAN_SWANCTL" ] || { echo "$SWAN_SWANCTL is missing (make deps)"; return 1; }
	for p in $SWAN_PLUGINS; do
		[ -f "/usr/lib/ipsec/plugins/libstrongswan-$p.so" ] ||
			{ echo "strongSwan plugin $p is missing"; return 1; }
	done
}

swan_dir() {
	local d=$TMPD/swan-$1 sub
	mkdir -p "$d/run" || return 1
	# swanctl --load-all reads credentials from these, next to
	# swanctl.conf, and complains about each that is missing.
	for sub in x509 x509ca x509ocsp x509aa x509ac x509crl pubkey private \
		rsa ecdsa bliss pkcs8 pkcs12; do
		mkdir -p "$d/$sub" || return 1
	done
	echo "$d"
}

# _swan NS DIR CMD...: CMD in NS, with DIR's strongswan.conf.
_swan() {
	local ns=$1 dir=$2
	shift 2
	ip netns exec "$ns" env STRONGSWAN_CONF="$dir/strongswan.conf" "$@"
}

_swan_uri() {
	echo "unix://$1/charon.vici"
}

# _swan_strongswan_conf DIR: charon's and swanctl's settings. No includes:
# nothing of /etc/strongswan.d applies.
_swan_strongswan_conf() {
	local dir=$1
	cat >"$dir/strongswan.conf" <<-EOF
	charon {
		load = $SWAN_PLUGINS
		threads = 8
		install_routes = no
		# IKE packets get lost only if something is broken: fail fast.
		retransmit_tries = 3
		retransmit_timeout = 2.0
		retransmit_base = 1.4
		plugins {
			vici {
				socket = $(_swan_uri "$dir")
			}
		}
		syslog {
			daemon {
				default = -1
			}
		}
		filelog {
			swan {
				path = $dir/charon.log
				time_format = %T
				time_add_ms = yes
				ike_name = yes
				flush_line = yes
				append = no
				default = 1
				knl = 2
			}
		}
	}
	swanctl {
		load = random nonce
	}
	EOF
}

swan_conf() {
	: >"$1/swanctl.conf" && swan_conf_add "$@"
}

# swanctl's parser merges sections of the same name: the file may say
# "connections" and "secrets" once per connection.
swan_conf_add() {
	local dir=$1 conn=$2 local=$3 remote=$4 child=$5 lts=$6 rts=$7
	cat >>"$dir/swanctl.conf" <<-EOF
	connections {
		$conn {
			version = 2
			local_addrs = $local
			remote_addrs = $remote
			proposals = $SWAN_IKE
			local {
				auth = psk
				id = $local
			}
			remote {
				auth = psk
				id = $remote
			}
			children {
				$child {
					local_ts = $lts
					remote_ts = $rts
					mode = tunnel
					esp_proposals = $SWAN_ESP
					$SWAN_CHILD_EXTRA
				}
			}
			$SWAN_CONN_EXTRA
		}
	}
	secrets {
		ike-$conn {
			id-l = $local
			id-r = $remote
			secret = "$SWAN_PSK"
		}
	}
	EOF
}

swan_start() {
	local ns=$1 dir=$2 pid
	mkdir -p "$dir/run" || return 1
	rm -f "$dir/charon.vici" "$dir/run/charon.pid"
	_swan_strongswan_conf "$dir"
	# shellcheck disable=SC2016 # expanded by that sh
	_swan "$ns" "$dir" sh -c 'mount -o bind "$1" /run && exec "$2"' \
		sh "$dir/run" "$SWAN_CHARON" >"$dir/charon.out" 2>&1 &
	pid=$!
	_swan_pid[$dir]=$pid
	bg_add "$pid"
	# Its vici socket, within 60 s, unless it exits first.
	if ! wait_for 60 _swan_ready "$dir/charon.vici" "$pid" ||
	   [ ! -S "$dir/charon.vici" ]; then
		echo "charon in $ns did not start: $(cat "$dir/charon.out" "$dir/charon.log" 2>/dev/null)"
		return 1
	fi
}

_swan_ready() {
	[ -S "$1" ] || ! kill -0 "$2" 2>/dev/null
}

swan_swanctl() {
	local ns=$1 dir=$2
	shift 2
	_swan "$ns" "$dir" "$SWAN_SWANCTL" "$@" --uri "$(_swan_uri "$dir")"
}

swan_load() {
	swan_swanctl "$1" "$2" --load-all --file "$2/swanctl.conf"
}

swan_initiate() {
	local ns=$1 dir=$2 child=$3 want=${4:-2}
	swan_swanctl "$ns" "$dir" --initiate --child "$child" --timeout 60 ||
		return 1
	wait_for 10 _swan_has "$ns" "$want"
}

_swan_states() {
	ip -n "$1" xfrm state | grep -c '^src '
}

_swan_has() {
	[ "$(_swan_states "$1")" -ge "$2" ]
}

# _swan_none NS: NS has no ESP state left (after a --terminate).
_swan_none() {
	[ "$(_swan_states "$1")" = 0 ]
}

# Each exchange is one request, which one side generates and the other
# parses: each log has one line per exchange. An INFORMATIONAL exchange
# counts when its request carries a Delete payload ("[ D ]").
swan_negotiations() {
	local log=$1/charon.log
	[ -f "$log" ] || return 1
	echo "init $(grep -cE '(generating|parsed) IKE_SA_INIT request' "$log")" \
		"child $(grep -cE '(generating|parsed) CREATE_CHILD_SA request' "$log")" \
		"delete $(grep -cE '(generating|parsed) INFORMATIONAL request [0-9]+ \[.* D ' "$log")"
}

swan_log_mark() {
	wc -l <"$1/charon.log"
}

swan_log_since() {
	tail -n "+$(($2 + 1))" "$1/charon.log"
}

swan_kernel_events() {
	swan_log_since "$1" "${2:-0}" |
		grep -E 'received a XFRM_MSG_(ACQUIRE|EXPIRE|MIGRATE|MAPPING)|creating (acquire|rekey|delete|migrate) job'
}

# What charon logs when something goes wrong: its error and failure
# messages ("unable to ...", "... failed"), retransmits and timeouts.
swan_errors() {
	swan_log_since "$1" "${2:-0}" | swan_errors_in
}

swan_errors_in() {
	grep -iE 'error|fail|unable|invalid|retransmit|giving up|timed? ?out|no route|not found'
}

swan_running() {
	local pid=${_swan_pid[$1]:-}
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

swan_stop() {
	local dir=$2 pid
	pid=${_swan_pid[$dir]:-}
	[ -n "$pid" ] || return 0
	unset "_swan_pid[$dir]"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

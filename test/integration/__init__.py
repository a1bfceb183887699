# The integration suite: the client against aerospike_emulator or a real cluster
# (AEROSPIKE_HOSTS). A package so the test modules can import helpers from conftest.
